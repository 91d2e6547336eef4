// The mouse wheel and the trackpad on the remote screen: X (and VNC) know wheel steps, one
// click of button 4/5 each; browsers report movement in pixels, lines or pages.

/**
 * Wheel movement per step sent to the remote: a mouse's notch (40-120 px, or 3 lines) is one
 * step, and a trackpad's stream of small deltas adds up rather than each becoming a notch.
 */
const WHEEL_STEP_PX = 50;
const WHEEL_LINE_PX = 40;
const WHEEL_PAGE_PX = 800;

/** CSS pixels per unit of a WheelEvent's deltaMode (pixels, lines, pages). */
export function wheelUnitPx(deltaMode: number): number {
  return deltaMode === 1 ? WHEEL_LINE_PX : deltaMode === 2 ? WHEEL_PAGE_PX : 1;
}

/**
 * What several notches merged into one event add up to, per notch, rounded: between
 * Chromium's 100 px (Windows) and 120 px (Linux, macOS; Firefox's 3 lines of 40), so that
 * one to five merged notches of either count exactly. (Learning each mouse's notch from the smallest event would
 * take a trackpad's fling for a notch and double a mouse's steps on the same laptop.)
 */
const NOTCH_PX = 110;
/** Most steps one wheel event sends (a 53 px notch, older Chromium on Linux, still counts as one, and merged ones as fewer). */
const MAX_STEPS = 10;

/** Wheel movement on one axis not yet sent as steps. */
export type WheelAxis = { rest: number };
export const wheelAxis = (): WheelAxis => ({ rest: 0 });

/**
 * Adds a wheel delta to what is left over on an axis; returns the steps to send (signed) and
 * keeps the rest. One notch is one step, and so is a trackpad's run of small deltas adding up
 * to WHEEL_STEP_PX; an event carrying several notches is as many steps: Chromium merges the
 * wheel events that come while the page is busy (drawing the remote screen), and one step
 * for all of them lost most of a quick turn of the wheel.
 */
export function wheelSteps(axis: WheelAxis, delta: number): number {
  // A change of direction starts afresh: what was left over went the other way.
  if (Math.sign(delta) !== Math.sign(axis.rest)) axis.rest = 0;
  axis.rest += delta;
  const moved = Math.abs(axis.rest);
  if (moved < WHEEL_STEP_PX) return 0;
  const steps = Math.min(MAX_STEPS, Math.max(1, Math.round(moved / NOTCH_PX)));
  const sign = Math.sign(axis.rest);
  axis.rest = 0;
  return sign * steps;
}
