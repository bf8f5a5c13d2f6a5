/* Report form helpers; the form works without them.
   1. "Use my location" fills the hidden lat/lon fields.
   2. Proof of work (ALTCHA v1: find n with SHA-256(salt + n) == challenge) so the report is triaged first. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("lat").value = p.coords.latitude.toFixed(3);
        document.getElementById("lon").value = p.coords.longitude.toFixed(3);
        locate.textContent = "\u2713 " + locate.textContent;
        locate.disabled = true;
      }, function () { locate.hidden = true; }, { timeout: 10000, maximumAge: 60000 });
    });
  }
  var data = document.getElementById("altcha-challenge");
  var field = document.getElementById("altcha");
  if (!data || !field || !window.crypto || !crypto.subtle || !window.TextEncoder) return;
  var c = JSON.parse(data.textContent);
  var enc = new TextEncoder();
  function hex(buf) {
    var b = new Uint8Array(buf), s = "";
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
    return s;
  }
  function attempt(n) {
    if (n > c.maxnumber) return;
    var batch = [];
    for (var i = n; i < n + 500 && i <= c.maxnumber; i++) batch.push(i);
    Promise.all(batch.map(function (k) {
      return crypto.subtle.digest("SHA-256", enc.encode(c.salt + k)).then(function (h) { return [k, hex(h)]; });
    })).then(function (results) {
      for (var j = 0; j < results.length; j++) {
        if (results[j][1] === c.challenge) {
          field.value = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge,
            number: results[j][0], salt: c.salt, signature: c.signature }));
          return;
        }
      }
      setTimeout(function () { attempt(n + 500); }, 0);
    });
  }
  attempt(0);
})();
