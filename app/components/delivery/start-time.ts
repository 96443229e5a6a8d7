// The "send at" field of a launch or campaign: a datetime-local value (a wall
// time with no zone) read in the shop's time zone, and back. Pure: runs in the
// browser for the field's default and on the server for the save.
import { isTimeZone, localParts, zonedInstant } from "../../core/delivery/timezone";

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

export type StartTime = { ok: true; at: Date } | { ok: false; error: string };

function zoneOf(timeZone: string | null): string {
  return isTimeZone(timeZone) ? timeZone : "UTC";
}

/** "2026-12-01T09:30" in the shop's zone → the instant; a clear error for anything else. */
export function parseStartTime(value: string, timeZone: string | null): StartTime {
  const m = LOCAL.exec(value.trim());
  if (!m) return { ok: false, error: "Pick a date and a time to start sending." };
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return { ok: false, error: "That date or time does not exist." };
  // 31 February and the like: JavaScript would roll over into March.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return { ok: false, error: "That date does not exist." };
  return { ok: true, at: zonedInstant(zoneOf(timeZone), year, month, day, hour, minute) };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local value in the shop's zone (the field's value). */
export function startTimeValue(iso: string | Date, timeZone: string | null): string {
  const p = localParts(new Date(iso), zoneOf(timeZone));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}
