// Starts Swagger UI on /docs. Kept out of the page so the Content-Security-Policy needs no
// inline script.
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: root.dataset.specUrl || "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No badge from validator.swagger.io: it would send the spec's address to a third party.
    validatorUrl: null
  });
}());
