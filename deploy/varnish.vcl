vcl 4.1;
# Varnish in front of N Clinic CMS app servers (docs/deploy.md, `make scaletest`).
#
# - Caches only what the app marks as shareable: anonymous public pages with `Cache-Control: ... s-maxage=N`
#   (clinic/http_cache.py). Everything else (the admin, search, previews, signed-in staff) passes through.
# - Purged by tag: on every publish/withdraw/save the app sends `BAN /` with `X-Purge-Tags: tag1 tag2 ...`
#   (clinic/purge.py, PAGE_CACHE_PURGE_BACKEND=varnish, VARNISH_PURGE_URLS); each cached page carries its tags in
#   `Surrogate-Key`. Bans test only obj.* so the ban lurker retires matching objects in the background.
# The backends below are the scaletest's two app servers; list yours (and use health probes) in production.

import directors;

backend app1 { .host = "127.0.0.1"; .port = "8151"; }
backend app2 { .host = "127.0.0.1"; .port = "8152"; }

acl purgers { "127.0.0.1"; "::1"; }

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Purge-All) {
            ban("obj.status != 0");
            return (synth(200, "Banned everything"));
        }
        if (req.http.X-Purge-Tags ~ "^[a-z0-9_ -]+$") {
            # No spaces in the regex: a ban's argument ends at the first one.
            ban("obj.http.Surrogate-Key ~ (^|\s)(" + regsuball(req.http.X-Purge-Tags, " ", "|") + ")(\s|$)");
            return (synth(200, "Banned"));
        }
        return (synth(400, "X-Purge-Tags or X-Purge-All needed"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in staff (session cookie) and API clients are never served a shared copy.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=" || req.url ~ "^/(admin|ckeditor5|reset)/") {
        return (pass);
    }
    # Public pages do not read other cookies (analytics, a stale csrftoken): one shared copy for everyone.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # The app says what may be shared: without s-maxage (search, previews, errors) nothing is kept.
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
