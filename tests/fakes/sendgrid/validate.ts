// Validates a POST /v3/mail/send body the way SendGrid does, collecting every error
// in SendGrid's `{ message, field, help }` form (SendGrid answers them all at once).
import type { SendGridErrorItem } from "./types";

const HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.";
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const RESERVED_HEADERS = new Set([
  "x-sg-id",
  "x-sg-eid",
  "received",
  "dkim-signature",
  "content-type",
  "content-transfer-encoding",
  "to",
  "from",
  "subject",
  "reply-to",
  "cc",
  "bcc",
]);
export const MAX_PERSONALIZATIONS = 1000;
export const MAX_RECIPIENTS = 1000;
export const MAX_CATEGORIES = 10;
export const MAX_SEND_AHEAD_SECONDS = 72 * 3600;

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function validateMailSend(body: unknown, now = new Date()): SendGridErrorItem[] {
  const errors: SendGridErrorItem[] = [];
  const fail = (message: string, field: string | null, help: string | null = null) =>
    errors.push({ message, field, help: help === null ? null : HELP + help });

  if (!isObject(body)) {
    fail("Bad Request", null);
    return errors;
  }
  const hasTemplate = typeof body.template_id === "string" && body.template_id.length > 0;
  if (body.template_id !== undefined && typeof body.template_id !== "string") {
    fail("The template_id must be a string.", "template_id", "template_id");
  }

  // from / reply_to
  const from = body.from;
  if (!isObject(from) || typeof from.email !== "string" || from.email === "") {
    fail(
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      "from.email",
      "from",
    );
  } else if (!EMAIL.test(from.email)) {
    fail("The from email does not contain a valid address.", "from.email", "from");
  }
  if (body.reply_to !== undefined) checkAddress(body.reply_to, "reply_to", fail);

  // personalizations
  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    fail(
      "The personalizations field is required and must have at least one personalization.",
      "personalizations",
      "personalizations",
    );
  } else if (personalizations.length > MAX_PERSONALIZATIONS) {
    fail(
      `The personalizations field may not have more than ${MAX_PERSONALIZATIONS} personalization objects.`,
      "personalizations",
      "personalizations",
    );
  } else {
    let recipients = 0;
    personalizations.forEach((p, i) => {
      const at = `personalizations.${i}`;
      if (!isObject(p)) {
        fail("Each personalization must be an object.", at, "personalizations");
        return;
      }
      if (!Array.isArray(p.to) || p.to.length === 0) {
        fail(
          "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
          `${at}.to`,
          "personalizations.to",
        );
      }
      const seen = new Set<string>();
      let duplicateReported = false;
      for (const role of ["to", "cc", "bcc"] as const) {
        const list = p[role];
        if (list === undefined) continue;
        if (!Array.isArray(list)) {
          fail(`The ${role} field must be an array of email objects.`, `${at}.${role}`, `personalizations.${role}`);
          continue;
        }
        list.forEach((address, j) => {
          recipients++;
          if (!checkAddress(address, `${at}.${role}.${j}`, fail)) return;
          const email = (address as { email: string }).email.toLowerCase();
          if (seen.has(email) && !duplicateReported) {
            duplicateReported = true;
            fail(
              `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the ${at}.${role} field.`,
              `${at}.${role}`,
              "personalizations",
            );
          }
          seen.add(email);
        });
      }
      if (p.subject !== undefined && typeof p.subject !== "string") {
        fail("The subject must be a string.", `${at}.subject`, "personalizations.subject");
      }
      checkStringMap(p.headers, `${at}.headers`, "personalizations.headers", fail, true);
      checkStringMap(p.substitutions, `${at}.substitutions`, "personalizations.substitutions", fail);
      checkStringMap(p.custom_args, `${at}.custom_args`, "personalizations.custom_args", fail);
      checkSendAt(p.send_at, `${at}.send_at`, now, fail);
      if (p.dynamic_template_data !== undefined && !isObject(p.dynamic_template_data)) {
        fail("The dynamic_template_data must be an object.", `${at}.dynamic_template_data`, "personalizations");
      }
      if (p.from !== undefined) checkAddress(p.from, `${at}.from`, fail);
    });
    if (recipients > MAX_RECIPIENTS) {
      fail(
        `The total number of recipients must be less than ${MAX_RECIPIENTS}. This includes all recipients defined within the to, cc, and bcc parameters, across each object that you include in the personalizations array.`,
        "personalizations",
        "personalizations",
      );
    }
  }

  // subject and content
  if (!hasTemplate) {
    const everyPersonalizationHasSubject =
      Array.isArray(personalizations) &&
      personalizations.length > 0 &&
      personalizations.every((p) => isObject(p) && typeof p.subject === "string" && p.subject !== "");
    if ((typeof body.subject !== "string" || body.subject === "") && !everyPersonalizationHasSubject) {
      fail(
        "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
        "subject",
        "subject",
      );
    }
  }
  if (body.content === undefined || (Array.isArray(body.content) && body.content.length === 0)) {
    if (!hasTemplate) {
      fail(
        "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.",
        "content",
        "content",
      );
    }
  } else if (!Array.isArray(body.content)) {
    fail("The content field must be an array of content objects.", "content", "content");
  } else {
    const types: string[] = [];
    body.content.forEach((part, i) => {
      if (!isObject(part) || typeof part.type !== "string" || part.type === "") {
        fail("The content type must be a string at least one character in length.", `content.${i}.type`, "content.type");
        return;
      }
      if (/[;\r\n]/.test(part.type)) {
        fail("The content type cannot contain ';', or CRLF characters.", `content.${i}.type`, "content.type");
      }
      if (typeof part.value !== "string" || part.value === "") {
        fail("The content value must be a string at least one character in length.", `content.${i}.value`, "content.value");
      }
      types.push(part.type.toLowerCase());
    });
    const plain = types.indexOf("text/plain");
    const html = types.indexOf("text/html");
    if ((plain > 0) || (html !== -1 && html !== (plain === -1 ? 0 : 1))) {
      fail(
        "If present, text/plain must be first, followed by text/html, followed by any other content.",
        "content",
        "content",
      );
    }
  }

  // everything else
  if (body.categories !== undefined) {
    if (!Array.isArray(body.categories) || body.categories.some((c) => typeof c !== "string")) {
      fail("The categories parameter must be an array of strings.", "categories", "categories");
    } else {
      if (body.categories.length > MAX_CATEGORIES) {
        fail(`You may not have more than ${MAX_CATEGORIES} categories per request.`, "categories", "categories");
      }
      if (body.categories.some((c) => (c as string).length > 255)) {
        fail("A category cannot have more than 255 characters.", "categories", "categories");
      }
      if (new Set(body.categories).size !== body.categories.length) {
        fail("Categories must be unique.", "categories", "categories");
      }
    }
  }
  checkStringMap(body.headers, "headers", "headers", fail, true);
  checkStringMap(body.custom_args, "custom_args", "custom_args", fail);
  checkStringMap(body.sections, "sections", "sections", fail);
  checkSendAt(body.send_at, "send_at", now, fail);
  if (body.batch_id !== undefined && typeof body.batch_id !== "string") {
    fail("The batch_id must be a string.", "batch_id", "batch_id");
  }
  if (body.asm !== undefined) {
    if (!isObject(body.asm) || !Number.isInteger(body.asm.group_id)) {
      fail("The asm.group_id must be an integer.", "asm.group_id", "asm.group_id");
    } else if (body.asm.groups_to_display !== undefined) {
      const groups = body.asm.groups_to_display;
      if (!Array.isArray(groups) || groups.some((g) => !Number.isInteger(g))) {
        fail("The asm.groups_to_display must be an array of integers.", "asm.groups_to_display", "asm.groups_to_display");
      } else if (groups.length > 25) {
        fail("The asm.groups_to_display may not have more than 25 groups.", "asm.groups_to_display", "asm.groups_to_display");
      }
    }
  }
  if (body.attachments !== undefined) {
    if (!Array.isArray(body.attachments)) {
      fail("The attachments field must be an array.", "attachments", "attachments");
    } else {
      body.attachments.forEach((a, i) => {
        if (!isObject(a) || typeof a.content !== "string" || a.content === "") {
          fail("The attachment content is required.", `attachments.${i}.content`, "attachments.content");
        } else if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(a.content)) {
          fail("The attachment content must be base64 encoded.", `attachments.${i}.content`, "attachments.content");
        }
        if (!isObject(a) || typeof a.filename !== "string" || a.filename === "") {
          fail("The attachment filename is required.", `attachments.${i}.filename`, "attachments.filename");
        }
      });
    }
  }
  return errors;
}

type Fail = (message: string, field: string | null, help?: string | null) => void;

function checkAddress(value: unknown, field: string, fail: Fail): boolean {
  if (!isObject(value) || typeof value.email !== "string" || !EMAIL.test(value.email)) {
    fail("Does not contain a valid address.", `${field}.email`, field.replace(/\.\d+/g, ""));
    return false;
  }
  if (value.name !== undefined && typeof value.name !== "string") {
    fail("The name must be a string.", `${field}.name`, field.replace(/\.\d+/g, ""));
  }
  return true;
}

function checkStringMap(value: unknown, field: string, help: string, fail: Fail, headers = false) {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    fail(`The ${field.split(".").pop()} parameter must be an object whose values are strings.`, field, help);
    return;
  }
  if (headers) {
    for (const name of Object.keys(value)) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) {
        fail(`The header '${name}' is reserved and cannot be set in headers.`, field, help);
      } else if (!/^[!-9;-~]+$/.test(name)) {
        fail(`The header name '${name}' is not valid.`, field, help);
      }
    }
  }
  if (field.endsWith("custom_args") && Buffer.byteLength(JSON.stringify(value)) > 10_000) {
    fail("The custom_args size may not exceed 10,000 bytes.", field, help);
  }
}

function checkSendAt(value: unknown, field: string, now: Date, fail: Fail) {
  if (value === undefined) return;
  const limit = Math.floor(now.getTime() / 1000) + MAX_SEND_AHEAD_SECONDS;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > limit) {
    fail(
      "The send_at parameter must be a unix timestamp (in seconds) no more than 72 hours in the future.",
      field,
      "send_at",
    );
  }
}
