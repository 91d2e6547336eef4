// The history's period filter in the profile's time zone (F5.4, F1.7): where each calendar
// day begins. Plain Node (no browser): the function is the web app's own.
import { describe, expect, it } from "vitest";
import { startOfDay } from "../../web/src/history/zone-day";

const dayIn = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(instant));

describe("the instant a day begins in a time zone", () => {
  it("is local midnight, or the first instant after clocks that skip it", () => {
    // Santiago and Beirut move their clocks forward at midnight: the day begins at 01:00.
    expect(startOfDay("2024-09-08", "America/Santiago")).toBe("2024-09-08T04:00:00.000Z");
    expect(startOfDay("2024-09-07", "America/Santiago", 1)).toBe("2024-09-08T04:00:00.000Z");
    expect(startOfDay("2024-03-31", "Asia/Beirut")).toBe("2024-03-30T22:00:00.000Z");
    expect(startOfDay("2024-07-03", "Europe/Berlin")).toBe("2024-07-02T22:00:00.000Z");
    expect(startOfDay("2024-07-03", "UTC")).toBe("2024-07-03T00:00:00.000Z");
  });

  it("starts every day of a year on that day, and the instant before on the day before", () => {
    const zones = ["America/Santiago", "Asia/Beirut", "America/Havana", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia"];
    for (const zone of zones) {
      for (let d = Date.UTC(2024, 0, 1); d < Date.UTC(2025, 0, 1); d += 86_400_000) {
        const day = new Date(d).toISOString().slice(0, 10);
        const start = Date.parse(startOfDay(day, zone));
        expect(dayIn(start, zone), `${zone} ${day}`).toBe(day);
        expect(dayIn(start - 1, zone), `${zone} ${day}`).not.toBe(day);
      }
    }
  });
});
