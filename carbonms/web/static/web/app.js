// Small behaviours of the shell. Pages work without it; htmx adds partial updates.
document.addEventListener("click", (ev) => {
  const t = ev.target.closest("[data-toggle-nav]");
  if (t) document.querySelector(".shell").classList.toggle("nav-open");
});
// Behaviours declared in the markup (no inline handlers: the Content-Security-Policy forbids them).
document.addEventListener("change", (ev) => {
  const el = ev.target;
  if (el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  if (el.matches("select[data-navigate]") && el.value) window.location.assign(el.value);
  if (el.matches("input[type=checkbox][data-check-all]")) {
    document.querySelectorAll(`input[type=checkbox][name="${CSS.escape(el.dataset.checkAll)}"]`).forEach((c) => { c.checked = el.checked; });
  }
});
// Charts: any element with data-chart and a JSON script id renders with ECharts.
function renderCharts(root) {
  if (!window.echarts) return;
  root.querySelectorAll("[data-chart]").forEach((el) => {
    if (el.dataset.rendered) return;
    const src = document.getElementById(el.dataset.chart);
    if (!src) return;
    const option = JSON.parse(src.textContent);
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.dataset.rendered = "1";
    window.addEventListener("resize", () => chart.resize());
  });
}
document.addEventListener("DOMContentLoaded", () => renderCharts(document));
document.addEventListener("htmx:afterSwap", (ev) => renderCharts(ev.target));
