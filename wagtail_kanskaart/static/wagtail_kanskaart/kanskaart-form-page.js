// Progressive enhancement for the hosted request form: show only the
// questions of the needs the resident ticked. Without JavaScript every
// section stays visible and its hint says when to fill it in. Loaded as an
// external file, so the page works under a CSP without 'unsafe-inline'.
(() => {
  "use strict";

  const form = document.querySelector("[data-kanskaart-form]");
  if (!form) {
    return;
  }
  const toggles = Array.from(form.querySelectorAll("input[data-kanskaart-need-toggle]"));
  const sections = Array.from(form.querySelectorAll("[data-kanskaart-need]"));

  function update() {
    const chosen = new Set(toggles.filter((toggle) => toggle.checked).map((toggle) => toggle.value));
    for (const section of sections) {
      section.hidden = !chosen.has(section.dataset.kanskaartNeed);
    }
  }

  for (const toggle of toggles) {
    toggle.addEventListener("change", update);
  }
  update();
})();
