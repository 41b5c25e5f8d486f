// Forms that help, without inline script (our CSP forbids it): after a failed submit the
// error summary at the top of the form takes focus, so a screen reader reads it and the
// keyboard starts there; a link in it moves focus to the field it names (a plain fragment
// link only scrolls) and brings the field's label into view.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
  document.querySelectorAll(".error-summary a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      const label = document.querySelector(`label[for='${field.id}']`);
      (label || field).scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });
});
