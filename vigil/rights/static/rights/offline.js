// Registers the library's service worker (scope /rights/), and makes the quick exit forget it: the caches
// are deleted and the worker unregistered before leaving.
(function () {
  if (!("serviceWorker" in navigator) || !window.caches) return;
  navigator.serviceWorker.register("/rights/sw.js", { scope: "/rights/" }).catch(function () {});
  var exit = document.querySelector(".quick-exit");
  if (!exit) return;
  exit.addEventListener("click", function (event) {
    event.preventDefault();
    var away = function () { window.location.replace(exit.href); };
    var done = Promise.all([
      caches.keys().then(function (keys) { return Promise.all(keys.map(function (k) { return caches.delete(k); })); }),
      navigator.serviceWorker.getRegistrations().then(function (all) { return Promise.all(all.map(function (r) { return r.unregister(); })); })
    ]);
    done.then(away, away);
    setTimeout(away, 500);
  });
})();
