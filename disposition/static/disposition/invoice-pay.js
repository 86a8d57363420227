// Paying an invoice by card with Stripe Elements. Stripe.js turns the card into a token; the server
// confirms the invoice's PaymentIntent with it and answers whether the bank asks for authentication
// (then Stripe.js handles it with the client secret the server gives the buyer). The page never
// shows the invoice paid on its own say: it says "confirming" and polls the invoice's status until
// the verified Stripe event has recorded the payment, then reloads.
(function () {
  "use strict";
  var section = document.querySelector("[data-pay-by-card]");
  if (!section || typeof Stripe === "undefined") return;
  var form = section.querySelector("[data-card-form]");
  var errorBox = section.querySelector("[data-card-error]");
  var button = section.querySelector("[data-pay-button]");
  var confirming = section.querySelector("[data-confirming-message]");
  var stripe = Stripe(section.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount(section.querySelector("[data-card-element]"));

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  function poll() {
    fetch(section.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.paid) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  function waitForConfirmation() {
    form.hidden = true;
    confirming.hidden = false;
    poll();
  }

  if (section.hasAttribute("data-confirming")) poll();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token) {
        showError((result.error && result.error.message) || "Check your card details.");
        return null;
      }
      return fetch(section.dataset.payUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
        body: JSON.stringify({payment_method: result.token.card.id})
      }).then(function (r) { return r.json(); });
    }).then(function (answer) {
      if (!answer) return;
      if (answer.error) { showError(answer.detail); return; }
      if (answer.status === "requires_action") {
        return stripe.confirmCardPayment(answer.client_secret).then(function (result) {
          if (result.error) { showError(result.error.message || "The payment was not confirmed."); return; }
          waitForConfirmation();
        });
      }
      waitForConfirmation();
    }).catch(function () { showError("The payment could not be sent. Please try again."); });
  });
})();
