// The time control: the last weeks, a day a step; playing shows each day's rows (the layer's time field) in turn.

import { lastDays } from "./state.js";
import { date, t } from "./text.js";

export function timeControl({ days, today, onDay, onStop }) {
  const range = document.getElementById("play-day");
  const label = document.getElementById("play-label");
  const button = document.getElementById("play-button");
  const list = lastDays(today, days);
  range.max = String(list.length - 1);
  range.value = String(list.length - 1);
  let timer = null;

  const show = (index) => {
    range.value = String(index);
    label.textContent = date(list[index]);
    return onDay(list[index]);
  };
  const stop = () => {
    clearTimeout(timer);
    timer = null;
    button.textContent = t("play");
    button.setAttribute("aria-pressed", "false");
  };
  const step = async (index) => {
    await show(index);
    if (timer === null) return;
    if (index + 1 < list.length) timer = setTimeout(() => step(index + 1), 900);
    else stop();
  };
  button.addEventListener("click", () => {
    if (timer !== null) return stop();
    button.textContent = t("pause");
    button.setAttribute("aria-pressed", "true");
    timer = 0;
    step(Number(range.value) >= list.length - 1 ? 0 : Number(range.value));
  });
  range.addEventListener("input", () => {
    stop();
    show(Number(range.value));
  });
  document.getElementById("play-clear").addEventListener("click", () => {
    stop();
    label.textContent = "";
    onStop();
  });
  label.textContent = "";
  return { stop };
}
