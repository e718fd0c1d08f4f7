// The WebAuthn step of the login page (docs/portal.md), served from
// /static/webauthn.js: the only script of the portal (CSP script-src 'self').
// The form#webauthn carries the server's options (data-options, the JSON the
// login API gives as publicKey); the assertion's parts go back base64url in
// its hidden fields and the form is posted.
'use strict';
(function () {
  function fromB64url(s) {
    const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    return Uint8Array.from(b, function (c) { return c.charCodeAt(0); });
  }
  function toB64url(buf) {
    let s = '';
    new Uint8Array(buf).forEach(function (x) { s += String.fromCharCode(x); });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function set(form, name, value) { form.elements[name].value = value; }
  function start(form) {
    const o = JSON.parse(form.dataset.options);
    o.challenge = fromB64url(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = fromB64url(c.id); });
    navigator.credentials.get({ publicKey: o }).then(function (cred) {
      set(form, 'credentialId', toB64url(cred.rawId));
      set(form, 'authenticatorData', toB64url(cred.response.authenticatorData));
      set(form, 'clientDataJSON', toB64url(cred.response.clientDataJSON));
      set(form, 'signature', toB64url(cred.response.signature));
      form.submit();
    }, function () {
      form.elements.failed.value = '1';
      form.submit();
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    const form = document.getElementById('webauthn');
    if (form === null) { return; }
    document.getElementById('webauthn-start').addEventListener('click', function () {
      start(form);
    });
  });
}());
