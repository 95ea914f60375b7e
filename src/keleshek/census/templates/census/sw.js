{% load static %}/* The census's service worker (ADR 0183): the form's pages network-first with the last copy
 * kept for when there is no connection; the census script and the site's style from the cache.
 * Only GET requests are cached; figures are queued by the page, not here. */
"use strict";
var CACHE = "keleshek-census-v1";
var ASSETS = ["{% static 'census/offline.js' %}", "{% static 'keleshek/site.css' %}"];

self.addEventListener("install", function (ev) {
  ev.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }));
  self.skipWaiting();
});
self.addEventListener("activate", function (ev) {
  ev.waitUntil(self.clients.claim());
});
self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    ev.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (req.mode === "navigate" && url.pathname.indexOf("/census/") >= 0) {
    ev.respondWith(fetch(req).then(function (resp) {
      var copy = resp.clone();
      if (resp.ok) { caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
      return resp;
    }).catch(function () {
      return caches.match(req).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
