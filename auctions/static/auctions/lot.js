/* Live lot page: polls the lot's state.json every second and updates the price, bid count,
 * leader, next minimum bid and countdown without reloading; a bid message the new state makes
 * stale (the green "you are the highest bidder" after being outbid) is replaced. As the bidder
 * types a maximum, the server reads it (bid/preview.json: the bid form's own parser, in the page's
 * language) and the page shows how it was read and the total with the buyer's premium, before
 * anything is sent. Amounts stay decimal strings: they are only re-grouped for display, never
 * turned into binary floating point numbers. */
(function () {
  "use strict";
  var root = document.getElementById("lot");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("lot-strings").textContent);
  var lang = document.documentElement.lang || "en";
  // Dates as the server writes them (common.formats: the CLDR medium date and time of this locale).
  var dateLocale = root.dataset.locale || lang;
  var tz = root.dataset.timeZone;
  var currency = root.dataset.currency;
  var myPseudonym = root.dataset.myPseudonym ? parseInt(root.dataset.myPseudonym, 10) : null;
  var version = parseInt(root.dataset.version, 10);
  var status = root.dataset.status;
  var endsAt = root.dataset.endsAt ? Date.parse(root.dataset.endsAt) : null;
  // Server time minus client time, from the Date header. The header is truncated to the second,
  // so the largest sample is the best estimate.
  var skew = null;
  var etag = null;
  var $ = function (id) { return document.getElementById(id); };

  // The locale's group and decimal separators, read once.
  var parts = new Intl.NumberFormat(lang).formatToParts(11111.5);
  var group = ",", decimal = ".";
  parts.forEach(function (p) {
    if (p.type === "group") { group = p.value; }
    if (p.type === "decimal") { decimal = p.value; }
  });

  function money(text) {
    if (text === null || text === undefined) { return "—"; }
    var neg = text.charAt(0) === "-";
    var s = neg ? text.slice(1) : text;
    var bits = s.split(".");
    var whole = bits[0].replace(/\B(?=(\d{3})+(?!\d))/g, group);
    var frac = ((bits[1] || "") + "00").slice(0, 2);
    return (neg ? "-" : "") + whole + decimal + frac + " " + currency;
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }

  var endFormat = new Intl.DateTimeFormat(dateLocale, { timeZone: tz, dateStyle: "medium", timeStyle: "medium" });

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function renderCountdown() {
    var el = $("countdown");
    if (!el) { return; }
    if (status !== "open" || endsAt === null) {
      el.textContent = T.ended;
      el.classList.remove("soon");
      return;
    }
    var left = Math.floor((endsAt - (Date.now() + (skew || 0))) / 1000);
    if (left <= 0) {
      el.textContent = T.closing;
      el.classList.add("soon");
      return;
    }
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
    var m = Math.floor(left % 3600 / 60), s = left % 60;
    el.textContent = (d > 0 ? d + " " + T.days + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    el.classList.toggle("soon", left < 300);
  }

  function setText(id, text) {
    var el = $(id);
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function apply(state) {
    status = state.status;
    root.dataset.status = status;
    endsAt = state.ends_at ? Date.parse(state.ends_at) : null;
    var price = state.current_price || state.starting_price;
    var priceEl = $("lot-price");
    if (priceEl && priceEl.dataset.amount !== price) {
      priceEl.dataset.amount = price;
      priceEl.textContent = money(price);
      priceEl.classList.remove("flash");
      void priceEl.offsetWidth;
      priceEl.classList.add("flash");
    }
    setText("price-label", state.current_price ? T.current_bid : T.starting_price);
    setText("lot-bids", fmt(state.bid_count === 1 ? T.bid_one : T.bid_many, { n: state.bid_count }));
    setText("lot-leader", state.leader ? "· " + fmt(T.highest, { who: fmt(T.bidder, { n: state.leader }) }) : "");
    setText("lot-reserve", state.reserve_met ? T.reserve_met : (state.bid_count ? T.reserve_not_met : ""));
    setText("lot-status", T.statuses[state.status] || state.status);
    var tag = $("lot-status");
    if (tag) { tag.className = "status-tag status-" + state.status; }
    if (state.next_minimum_bid) {
      setText("lot-next-min", money(state.next_minimum_bid));
      var input = document.querySelector(".bid-form input[name=max_amount]");
      if (input) { input.placeholder = money(state.next_minimum_bid).slice(0, -currency.length - 1); }
    }
    if (endsAt !== null) {
      var ends = $("lot-ends");
      if (ends && Date.parse(ends.getAttribute("datetime")) !== endsAt) {
        ends.textContent = endFormat.format(new Date(endsAt));
        ends.setAttribute("datetime", state.ends_at);
      }
      var ext = $("lot-extended");
      if (ext) { ext.hidden = !state.extended; }
    }
    var mine = $("my-status");
    if (mine && myPseudonym !== null) {
      var leading = state.leader === myPseudonym;
      mine.textContent = leading ? T.leading : T.outbid;
      mine.className = "my-status " + (leading ? "leading" : "outbid");
      // The message left by the bidder's own bid describes the state when it was placed: once the
      // lead has changed hands, it is replaced, never left standing above the live status.
      document.querySelectorAll(".message.bid-status").forEach(function (banner) {
        if (leading === banner.classList.contains("message-success")) { return; }
        banner.className = "message bid-status " + (leading ? "message-success" : "message-warning");
        banner.textContent = leading ? T.leading : fmt(T.outbid_banner, { amount: money(state.next_minimum_bid) });
      });
    }
    if (status !== "open") {
      var area = $("bid-area");
      if (area && !area.dataset.ended) {
        area.dataset.ended = "1";
        area.innerHTML = "";
        var p = document.createElement("p");
        p.className = "notice";
        p.textContent = T.bidding_ended;
        area.appendChild(p);
      }
    }
    if (state.version !== version) {
      version = state.version;
      loadHistory();
    }
    renderCountdown();
  }

  function loadHistory() {
    fetch(root.dataset.historyUrl, { credentials: "same-origin", cache: "no-cache" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var body = $("history-body");
        if (!body) { return; }
        var timeFormat = new Intl.DateTimeFormat(dateLocale, { timeZone: tz, dateStyle: "medium", timeStyle: "medium" });
        body.innerHTML = "";
        if (!data.results.length) {
          var empty = body.insertRow();
          var c = empty.insertCell();
          c.colSpan = 3;
          c.textContent = T.no_bids;
          return;
        }
        data.results.forEach(function (line) {
          var row = body.insertRow();
          row.insertCell().textContent = line.label;
          var amount = row.insertCell();
          amount.className = "num";
          amount.textContent = money(line.amount);
          var t = document.createElement("time");
          t.setAttribute("datetime", line.placed_at);
          t.textContent = timeFormat.format(new Date(line.placed_at));
          row.insertCell().appendChild(t);
        });
      })
      .catch(function () { /* the next change retries */ });
  }

  var inFlight = false;
  function poll() {
    if (inFlight || document.hidden) { return; }
    inFlight = true;
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(root.dataset.stateUrl, { credentials: "same-origin", cache: "no-cache", headers: headers })
      .then(function (r) {
        var date = r.headers.get("Date");
        if (date) {
          var server = Date.parse(date);
          var sample = server - Date.now();
          if (!isNaN(server) && (skew === null || sample > skew)) { skew = sample; }
        }
        if (r.status === 304) { return null; }
        if (!r.ok) { return null; }
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (state) { if (state) { apply(state); } })
      .catch(function () { /* offline for a moment: keep the last state */ })
      .then(function () { inFlight = false; });
  }

  // What the typed maximum was read as, and the total with the buyer's premium, before it is sent.
  var amountInput = document.querySelector(".bid-form input[name=max_amount]");
  var preview = $("bid-preview");
  var previewTimer = null, previewSeq = 0;
  function showPreview(lines, isError) {
    preview.innerHTML = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      preview.appendChild(p);
    });
    preview.className = "bid-preview" + (isError ? " bid-preview-error" : "");
    preview.hidden = !lines.length;
  }
  function readAmount() {
    var text = amountInput.value.trim();
    var seq = ++previewSeq;
    if (!text) { showPreview([], false); return; }
    var url = root.dataset.previewUrl + "?amount=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (seq !== previewSeq) { return; }  // a later keystroke has its own answer coming
        if (res.ok) { showPreview(res.body.messages, false); } else { showPreview([res.body.detail], true); }
      })
      .catch(function () { /* the server reads it again when the bid is sent */ });
  }
  if (amountInput && preview && root.dataset.previewUrl) {
    amountInput.addEventListener("input", function () {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(readAmount, 250);
    });
    if (amountInput.value.trim()) { readAmount(); }
  }

  // Photo gallery: thumbnails switch the main photo.
  document.querySelectorAll("[data-gallery-src]").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      var main = $("gallery-main");
      if (!main) { return; }
      main.src = link.dataset.gallerySrc;
      main.alt = link.dataset.galleryAlt;
      document.querySelectorAll("[data-gallery-src]").forEach(function (l) { l.removeAttribute("aria-current"); });
      link.setAttribute("aria-current", "true");
    });
  });

  renderCountdown();
  setInterval(renderCountdown, 250);
  setInterval(poll, 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  poll();
})();
