/* An open-loop HTTP/1.1 load generator for the bidding benchmark, in C so that the load it makes
 * costs the 2-core machine almost nothing next to the server it measures (loadgen.py does the same
 * in Python, at some 0.8 ms of CPU per request). Built by the benchmark with the system's cc.
 *
 * Each simulated client holds one keep-alive connection (and, when bidding, its own bearer token)
 * and sends requests at random (Poisson) times, so that together the clients offer a fixed rate.
 * A request's latency is measured from the moment it was *due*, not from when it could be sent: a
 * client whose previous answer is late sends as soon as it arrives and the wait counts (no
 * "coordinated omission", as in wrk2). Bidders learn the next minimum from the answers, as a real
 * client would, and bid a random amount at or above it.
 * Answers are awaited until a cut-off, --grace seconds (10) after the last request was due; every
 * request due before the end and not answered by the cut-off (in flight, or never sent because its
 * client was still waiting) is counted as "unanswered", and as an error.
 *
 *   loadgen --port 8000 --tokens tokens.txt --lots 1,2 --rate 300 --seconds 12 [--clients 50] [--grace 10]
 *   loadgen --port 8000 --path /healthz --rate 300 --seconds 5
 *
 * tokens.txt holds one bearer token a line. Prints one JSON object with the same keys as loadgen.py.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 1024
#define MAX_LOTS 4096
#define BUF 16384

enum { IDLE, BUSY };

typedef struct {
    int fd, state, lot;
    unsigned int seed;
    double due, sent;
    char out[1024];
    int out_len, out_off;
    char in[BUF];
    int in_len;
    char token[256];
} Client;

static Client clients[MAX_CLIENTS];
static int n_clients = 50, port = 0, n_lots = 0;
static long lots[MAX_LOTS];
static double next_min[MAX_LOTS];
static double rate = 0, seconds = 12, grace = 10;
static const char *path = NULL;
static double *lat, *svc;
static long n_lat = 0, cap_lat = 0, late_sends = 0, transport_errors = 0, unanswered = 0;
static long statuses[600];
static const char *code_names[] = {"below_minimum", "not_above_own_maximum", "rate_limited", "lot_ended",
                                   "lot_not_open", "other"};
static long codes[6];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double expo(unsigned int *seed, double per_second) {
    double u = (rand_r(seed) + 1.0) / ((double)RAND_MAX + 2.0);
    return -log(u) / per_second;
}

static int connect_client(Client *c, int ep) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return -1;
    }
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    return 0;
}

static void build_request(Client *c) {
    if (path) {
        c->out_len = snprintf(c->out, sizeof c->out, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
        c->lot = -1;
        return;
    }
    int i = rand_r(&c->seed) % n_lots;
    double amount = next_min[i] + (rand_r(&c->seed) % 31) * 10;
    char body[64];
    int blen = snprintf(body, sizeof body, "{\"max_amount\": \"%.2f\"}", amount);
    c->lot = i;
    c->out_len = snprintf(c->out, sizeof c->out,
                          "POST /api/v1/lots/%ld/bids/ HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                          lots[i], port, c->token, blen, body);
}

static void send_some(Client *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0) {
            if (errno == EAGAIN) return;  /* the rest goes when the socket drains (rare on loopback) */
            transport_errors++;
            return;
        }
        c->out_off += n;
    }
}

static int start_request(Client *c, int ep) {
    /* Connect when the first request is due, as a real client does: a server may hold a thread
     * for a new connection until its first request arrives. */
    if (c->fd < 0 && connect_client(c, ep) != 0) return -1;
    build_request(c);
    c->out_off = 0;
    c->in_len = 0;
    c->state = BUSY;
    c->sent = now();
    if (c->sent - c->due > 0.001) late_sends++;
    send_some(c);
    return 0;
}

static double find_amount(const char *body, const char *key) {
    const char *p = strstr(body, key);
    if (!p) return -1;
    p += strlen(key);
    while (*p == ' ' || *p == ':' || *p == '"') p++;
    return atof(p);
}

/* A whole response in c->in? Then account for it and return 1. */
static int complete(Client *c) {
    c->in[c->in_len] = 0;
    char *head_end = strstr(c->in, "\r\n\r\n");
    if (!head_end) return 0;
    long length = 0;
    char *cl = strcasestr(c->in, "\r\nContent-Length:");
    if (cl && cl < head_end) length = atol(cl + 17);
    char *body = head_end + 4;
    if (c->in + c->in_len < body + length) return 0;
    int status = atoi(c->in + 9);
    double done = now();
    if (n_lat == cap_lat) {
        cap_lat = cap_lat ? cap_lat * 2 : 65536;
        lat = realloc(lat, cap_lat * sizeof *lat);
        svc = realloc(svc, cap_lat * sizeof *svc);
    }
    lat[n_lat] = done - c->due;
    svc[n_lat++] = done - c->sent;
    if (status > 0 && status < 600) statuses[status]++;
    if (c->lot >= 0) {
        if (status == 201) {
            double m = find_amount(body, "\"next_minimum_bid\"");
            if (m > 0) next_min[c->lot] = m;
        } else {
            int k = 5;
            for (int i = 0; i < 5; i++) {
                char needle[64];
                snprintf(needle, sizeof needle, "\"%s\"", code_names[i]);
                if (strstr(body, needle)) { k = i; break; }
            }
            codes[k]++;
            double m = find_amount(body, "\"next_minimum_bid\"");
            if (m > next_min[c->lot]) next_min[c->lot] = m;
            else if (k == 1) next_min[c->lot] += 500;
        }
    }
    return 1;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, long n, double q) {
    if (!n) return NAN;
    long i = (long)(n * q);
    if (i >= n) i = n - 1;
    return 1000 * v[i];
}

int main(int argc, char **argv) {
    const char *tokens_file = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rate")) rate = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--grace")) grace = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--clients")) n_clients = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--path")) path = argv[i + 1];
        else if (!strcmp(argv[i], "--tokens")) tokens_file = argv[i + 1];
        else if (!strcmp(argv[i], "--lots")) {
            char *s = strdup(argv[i + 1]);
            for (char *t = strtok(s, ","); t && n_lots < MAX_LOTS; t = strtok(NULL, ",")) lots[n_lots++] = atol(t);
        } else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!port || rate <= 0 || (!path && (!tokens_file || !n_lots)) || n_clients < 1 || n_clients > MAX_CLIENTS) {
        fprintf(stderr, "usage: loadgen --port P --rate R [--seconds S] [--clients N] [--grace G] "
                        "(--path /x | --tokens FILE --lots 1,2)\n");
        return 2;
    }
    if (tokens_file) {
        FILE *f = fopen(tokens_file, "r");
        if (!f) { perror(tokens_file); return 2; }
        int n = 0;
        char line[256];
        while (n < n_clients && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (*line) strcpy(clients[n++].token, line);
        }
        fclose(f);
        if (n < n_clients) n_clients = n;
    }
    for (int i = 0; i < n_lots; i++) next_min[i] = 100.0;
    int ep = epoll_create1(0);
    double start = now() + 0.2, deadline = start + seconds, cutoff = deadline + grace;
    double per_client = rate / n_clients;
    for (int i = 0; i < n_clients; i++) {
        Client *c = &clients[i];
        c->seed = 1234567u + i;
        c->state = IDLE;
        c->due = start + expo(&c->seed, per_client);
        c->fd = -1;
    }
    struct epoll_event events[MAX_CLIENTS];
    int active = n_clients;
    while (active > 0) {
        double t = now(), wake = cutoff;
        active = 0;
        for (int i = 0; i < n_clients; i++) {
            Client *c = &clients[i];
            if (c->state == IDLE && c->due < deadline) {
                if (c->due <= t) {
                    if (start_request(c, ep) != 0) return 1;
                }
                else if (c->due < wake) wake = c->due;
            }
            if (c->state == BUSY || c->due < deadline) active++;
        }
        if (!active) break;
        if (t >= cutoff) break;  /* answers still awaited are counted below */
        double wait = wake - now();
        if (wait < 0) wait = 0;
        struct timespec timeout = {.tv_sec = (time_t)wait, .tv_nsec = (long)((wait - (time_t)wait) * 1e9)};
        int n = epoll_pwait2(ep, events, MAX_CLIENTS, &timeout, NULL);
        for (int k = 0; k < n; k++) {
            Client *c = events[k].data.ptr;
            for (;;) {
                ssize_t got = read(c->fd, c->in + c->in_len, BUF - 1 - c->in_len);
                if (got > 0) {
                    c->in_len += got;
                    continue;
                }
                if (got == 0 || (errno != EAGAIN && errno != EINTR)) {  /* the server closed: reconnect */
                    if (c->state == BUSY) transport_errors++;
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                    close(c->fd);
                    c->state = IDLE;
                    c->fd = -1;
                    c->due += expo(&c->seed, per_client);
                }
                break;
            }
            if (c->state == BUSY && complete(c)) {
                c->state = IDLE;
                c->due += expo(&c->seed, per_client);
            }
        }
    }
    /* Due before the end, unanswered at the cut-off: the request in flight, and those its client
     * would have sent after it. */
    for (int i = 0; i < n_clients; i++) {
        Client *c = &clients[i];
        double due = c->due;
        if (c->state == BUSY) {
            unanswered++;
            due += expo(&c->seed, per_client);
        }
        for (; due < deadline; due += expo(&c->seed, per_client)) unanswered++;
    }
    double elapsed = now() - start;
    if (elapsed < seconds) elapsed = seconds;
    qsort(lat, n_lat, sizeof *lat, cmp);
    qsort(svc, n_lat, sizeof *svc, cmp);
    long errors = transport_errors + unanswered;
    for (int s = 500; s < 600; s++) errors += statuses[s];
    errors += statuses[401] + statuses[429];
    printf("{\"offered_per_second\": %.1f, \"clients\": %d, \"seconds\": %.2f, \"requests\": %ld, "
           "\"per_second\": %.2f, \"accepted_per_second\": %.2f",
           rate, n_clients, elapsed, n_lat, n_lat / elapsed, statuses[201] / elapsed);
    /* No answer at all leaves no percentile: NaN, as loadgen.py's json.dumps writes it (printf's "nan"
     * would not parse). */
    const char *pct_names[] = {"p50_ms", "p90_ms", "p99_ms", "max_ms", "service_p50_ms", "service_p99_ms"};
    double pct_values[] = {pct(lat, n_lat, .5), pct(lat, n_lat, .9), pct(lat, n_lat, .99), pct(lat, n_lat, 1),
                           pct(svc, n_lat, .5), pct(svc, n_lat, .99)};
    for (int k = 0; k < 6; k++) {
        if (isnan(pct_values[k])) printf(", \"%s\": NaN", pct_names[k]);
        else printf(", \"%s\": %.2f", pct_names[k], pct_values[k]);
    }
    printf(", \"statuses\": {");
    int first = 1;
    for (int s = 0; s < 600; s++)
        if (statuses[s]) { printf("%s\"%d\": %ld", first ? "" : ", ", s, statuses[s]); first = 0; }
    printf("}, \"codes\": {");
    first = 1;
    for (int k = 0; k < 6; k++)
        if (codes[k]) { printf("%s\"%s\": %ld", first ? "" : ", ", code_names[k], codes[k]); first = 0; }
    printf("}, \"transport_errors\": %ld, \"unanswered\": %ld, \"late_sends\": %ld, \"errors\": %ld, "
           "\"generator\": \"c\"}\n", transport_errors, unanswered, late_sends, errors);
    return 0;
}
