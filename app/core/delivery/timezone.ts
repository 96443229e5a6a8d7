// A recipient's time zone and local clock arithmetic. Pure.
//
// The zone comes from the customer's address: a small table of the countries
// most shops sell to (one zone each) and, for the countries that span several
// zones, their states and provinces (US, CA, AU, by code or by name, as
// Shopify sends either). Otherwise the shop's own zone, otherwise UTC. It is a
// guess at where the person reads their mail, good enough to keep an email out
// of their night; nothing more precise is known without asking them.

const COUNTRY_ZONES: Record<string, string> = {
  GB: "Europe/London", IE: "Europe/Dublin", PT: "Europe/Lisbon", ES: "Europe/Madrid", FR: "Europe/Paris",
  BE: "Europe/Brussels", NL: "Europe/Amsterdam", LU: "Europe/Luxembourg", DE: "Europe/Berlin", AT: "Europe/Vienna",
  CH: "Europe/Zurich", IT: "Europe/Rome", DK: "Europe/Copenhagen", NO: "Europe/Oslo", SE: "Europe/Stockholm",
  FI: "Europe/Helsinki", PL: "Europe/Warsaw", CZ: "Europe/Prague", SK: "Europe/Bratislava", HU: "Europe/Budapest",
  SI: "Europe/Ljubljana", HR: "Europe/Zagreb", RO: "Europe/Bucharest", BG: "Europe/Sofia", GR: "Europe/Athens",
  EE: "Europe/Tallinn", LV: "Europe/Riga", LT: "Europe/Vilnius", IS: "Atlantic/Reykjavik", TR: "Europe/Istanbul",
  IL: "Asia/Jerusalem", AE: "Asia/Dubai", SA: "Asia/Riyadh", IN: "Asia/Kolkata", SG: "Asia/Singapore",
  MY: "Asia/Kuala_Lumpur", TH: "Asia/Bangkok", VN: "Asia/Ho_Chi_Minh", PH: "Asia/Manila", HK: "Asia/Hong_Kong",
  TW: "Asia/Taipei", CN: "Asia/Shanghai", JP: "Asia/Tokyo", KR: "Asia/Seoul", NZ: "Pacific/Auckland",
  ZA: "Africa/Johannesburg", NG: "Africa/Lagos", KE: "Africa/Nairobi", EG: "Africa/Cairo", MA: "Africa/Casablanca",
  // Countries spanning zones: their most populous zone when the state is unknown.
  US: "America/New_York", CA: "America/Toronto", AU: "Australia/Sydney", MX: "America/Mexico_City",
  BR: "America/Sao_Paulo", AR: "America/Argentina/Buenos_Aires", CL: "America/Santiago", CO: "America/Bogota",
  PE: "America/Lima", RU: "Europe/Moscow", ID: "Asia/Jakarta",
};

// [code, name, zone]
const US_STATES: ReadonlyArray<readonly [string, string, string]> = [
  ["AL", "Alabama", "America/Chicago"], ["AK", "Alaska", "America/Anchorage"], ["AZ", "Arizona", "America/Phoenix"],
  ["AR", "Arkansas", "America/Chicago"], ["CA", "California", "America/Los_Angeles"], ["CO", "Colorado", "America/Denver"],
  ["CT", "Connecticut", "America/New_York"], ["DE", "Delaware", "America/New_York"], ["DC", "District of Columbia", "America/New_York"],
  ["FL", "Florida", "America/New_York"], ["GA", "Georgia", "America/New_York"], ["HI", "Hawaii", "Pacific/Honolulu"],
  ["ID", "Idaho", "America/Boise"], ["IL", "Illinois", "America/Chicago"], ["IN", "Indiana", "America/Indiana/Indianapolis"],
  ["IA", "Iowa", "America/Chicago"], ["KS", "Kansas", "America/Chicago"], ["KY", "Kentucky", "America/New_York"],
  ["LA", "Louisiana", "America/Chicago"], ["ME", "Maine", "America/New_York"], ["MD", "Maryland", "America/New_York"],
  ["MA", "Massachusetts", "America/New_York"], ["MI", "Michigan", "America/Detroit"], ["MN", "Minnesota", "America/Chicago"],
  ["MS", "Mississippi", "America/Chicago"], ["MO", "Missouri", "America/Chicago"], ["MT", "Montana", "America/Denver"],
  ["NE", "Nebraska", "America/Chicago"], ["NV", "Nevada", "America/Los_Angeles"], ["NH", "New Hampshire", "America/New_York"],
  ["NJ", "New Jersey", "America/New_York"], ["NM", "New Mexico", "America/Denver"], ["NY", "New York", "America/New_York"],
  ["NC", "North Carolina", "America/New_York"], ["ND", "North Dakota", "America/Chicago"], ["OH", "Ohio", "America/New_York"],
  ["OK", "Oklahoma", "America/Chicago"], ["OR", "Oregon", "America/Los_Angeles"], ["PA", "Pennsylvania", "America/New_York"],
  ["RI", "Rhode Island", "America/New_York"], ["SC", "South Carolina", "America/New_York"], ["SD", "South Dakota", "America/Chicago"],
  ["TN", "Tennessee", "America/Chicago"], ["TX", "Texas", "America/Chicago"], ["UT", "Utah", "America/Denver"],
  ["VT", "Vermont", "America/New_York"], ["VA", "Virginia", "America/New_York"], ["WA", "Washington", "America/Los_Angeles"],
  ["WV", "West Virginia", "America/New_York"], ["WI", "Wisconsin", "America/Chicago"], ["WY", "Wyoming", "America/Denver"],
  ["PR", "Puerto Rico", "America/Puerto_Rico"],
];

const CA_PROVINCES: ReadonlyArray<readonly [string, string, string]> = [
  ["AB", "Alberta", "America/Edmonton"], ["BC", "British Columbia", "America/Vancouver"], ["MB", "Manitoba", "America/Winnipeg"],
  ["NB", "New Brunswick", "America/Moncton"], ["NL", "Newfoundland and Labrador", "America/St_Johns"],
  ["NS", "Nova Scotia", "America/Halifax"], ["NT", "Northwest Territories", "America/Yellowknife"], ["NU", "Nunavut", "America/Iqaluit"],
  ["ON", "Ontario", "America/Toronto"], ["PE", "Prince Edward Island", "America/Halifax"], ["QC", "Quebec", "America/Toronto"],
  ["SK", "Saskatchewan", "America/Regina"], ["YT", "Yukon", "America/Whitehorse"],
];

const AU_STATES: ReadonlyArray<readonly [string, string, string]> = [
  ["ACT", "Australian Capital Territory", "Australia/Sydney"], ["NSW", "New South Wales", "Australia/Sydney"],
  ["NT", "Northern Territory", "Australia/Darwin"], ["QLD", "Queensland", "Australia/Brisbane"],
  ["SA", "South Australia", "Australia/Adelaide"], ["TAS", "Tasmania", "Australia/Hobart"],
  ["VIC", "Victoria", "Australia/Melbourne"], ["WA", "Western Australia", "Australia/Perth"],
];

const norm = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase();

function regionTable(rows: ReadonlyArray<readonly [string, string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [code, name, zone] of rows) {
    map.set(norm(code), zone);
    map.set(norm(name), zone);
  }
  return map;
}

const REGION_ZONES: Record<string, Map<string, string>> = { US: regionTable(US_STATES), CA: regionTable(CA_PROVINCES), AU: regionTable(AU_STATES) };
// "Québec" and "QC" are both sent by Shopify.
REGION_ZONES.CA!.set("quebec", "America/Toronto");

const validZones = new Map<string, boolean>();

/** True when the runtime knows the IANA zone. */
export function isTimeZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  let ok = validZones.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(zone, ok);
  }
  return ok;
}

export interface AddressFacts {
  countryCode?: string | null;
  province?: string | null;
}

/** The customer's zone from their address, else the shop's, else UTC. */
export function customerTimeZone(address: AddressFacts | null | undefined, shopTimeZone?: string | null): string {
  const country = address?.countryCode?.trim().toUpperCase();
  if (country) {
    const region = address?.province ? REGION_ZONES[country]?.get(norm(address.province)) : undefined;
    const zone = region ?? COUNTRY_ZONES[country];
    if (zone && isTimeZone(zone)) return zone;
  }
  return isTimeZone(shopTimeZone) ? shopTimeZone : "UTC";
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(zone, f);
  }
  return f;
}

function formattedParts(at: Date, zone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(at)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

// Offsets change only at transitions, which fall on a UTC half hour in every
// zone in use: one Intl lookup per zone and half hour, then plain arithmetic
// (Intl's formatToParts is the slow part when a launch schedules 100k emails).
const HALF_HOUR_MS = 1_800_000;
const offsets = new Map<string, number>();

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(at: Date, zone: string): number {
  const bucket = Math.floor(at.getTime() / HALF_HOUR_MS);
  const key = `${zone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const probe = new Date(bucket * HALF_HOUR_MS);
    const p = formattedParts(probe, zone);
    offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - probe.getTime()) / 60_000);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The wall-clock fields of an instant in a zone. */
export function localParts(at: Date, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const local = new Date(at.getTime() + offsetMinutes(at, zone) * 60_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds() };
}

/** The local hour (0–23) of an instant in a zone. */
export function localHour(at: Date, zone: string): number {
  return localParts(at, zone).hour;
}

/**
 * The instant of a local wall-clock time. A time skipped by a DST jump is moved
 * forward by the jump; a repeated one resolves to its first occurrence.
 */
export function zonedInstant(zone: string, year: number, month: number, day: number, hour: number, minute = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset on either side of a transition.
  let guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  guess = wall - offsetMinutes(new Date(guess), zone) * 60_000;
  const earlier = wall - offsetMinutes(new Date(guess - 3_600_000), zone) * 60_000;
  const p = localParts(new Date(earlier), zone);
  if (earlier < guess && p.hour === hour && p.minute === minute) return new Date(earlier);
  return new Date(guess);
}

/** The first instant at or after `from` whose local time is hour:00 in the zone. */
export function nextLocalHour(from: Date, hour: number, zone: string): Date {
  const p = localParts(from, zone);
  for (let d = 0; d < 3; d++) {
    const date = new Date(Date.UTC(p.year, p.month - 1, p.day + d));
    const at = zonedInstant(zone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour);
    if (at.getTime() >= from.getTime()) return at;
  }
  return new Date(from.getTime() + 86_400_000); // unreachable for real zones
}
