// One-click approval on the real database: who approved which version, refusals,
// and any edit afterwards requiring approval again.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { canonicalJson, contentHash } from "~/core/approval/approval";
import { approveCampaign, assertApproved, campaignApproval, editDraft, editPlan, ApprovalError } from "~/core/approval/approval.server";

const SHOP = "approve-a.myshopify.com";
const OTHER = "approve-b.myshopify.com";
const PLAN = { objective: "win-back", emails: [{ delayDays: 0 }, { delayDays: 3 }] };
const content = (subject: string) => ({ subjectVariants: [subject, `${subject}?`, `${subject}!`], previewText: "p", headline: "h", bodyBlocks: [], callToAction: { label: "Shop", url: "https://a.example/" } });

async function campaign(shopId = SHOP) {
  const c = await prisma.campaign.create({ data: { shopId, kind: "campaign", flowType: "win-back", objective: "win-back", name: "Win back", plan: PLAN } });
  await prisma.emailDraft.createMany({
    data: [
      { shopId, campaignId: c.id, step: 0, variant: "A", content: content("We miss you"), provider: "offline" },
      { shopId, campaignId: c.id, step: 1, variant: "A", content: content("Still here for you"), provider: "offline" },
    ],
  });
  return c;
}

beforeEach(async () => {
  await prisma.shop.deleteMany({ where: { id: { in: [SHOP, OTHER] } } });
  await prisma.shop.createMany({ data: [{ id: SHOP }, { id: OTHER }] });
});

describe("contentHash", () => {
  it("ignores key order and draft order, but not a changed word", () => {
    const drafts = [
      { step: 1, variant: "A", content: { b: 1, a: "x" } },
      { step: 0, variant: "B", content: { a: "y" } },
    ];
    const same = contentHash({ plan: { x: 1, y: [1, 2] }, drafts });
    expect(contentHash({ plan: { y: [1, 2], x: 1 }, drafts: [drafts[1]!, { step: 1, variant: "A", content: { a: "x", b: 1 } }] })).toBe(same);
    expect(contentHash({ plan: { x: 1, y: [2, 1] }, drafts })).not.toBe(same);
    expect(contentHash({ plan: { x: 1, y: [1, 2] }, drafts: [{ ...drafts[0]!, content: { b: 1, a: "X" } }, drafts[1]!] })).not.toBe(same);
    expect(canonicalJson({ b: { d: 1, c: 2 }, a: null })).toBe('{"a":null,"b":{"c":2,"d":1}}');
  });
});

describe("approval", () => {
  it("records who approved exactly which version, and then the campaign may be sent", async () => {
    const c = await campaign();
    await expect(assertApproved(SHOP, c.id)).rejects.toMatchObject({ code: "not-approved" });
    const a = await approveCampaign(SHOP, c.id, { by: "owner@shop.example", version: 1 });
    expect(a).toMatchObject({ version: 1, approvedBy: "owner@shop.example" });
    const drafts = await prisma.emailDraft.findMany({ where: { campaignId: c.id } });
    expect(a.contentHash).toBe(contentHash({ plan: PLAN, drafts }));
    await expect(assertApproved(SHOP, c.id)).resolves.toBeUndefined();
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("approved");
  });

  it("an edit after approval (draft or plan) needs approving again", async () => {
    const c = await campaign();
    await approveCampaign(SHOP, c.id, { by: "owner", version: 1 });
    const draft = await prisma.emailDraft.findFirstOrThrow({ where: { campaignId: c.id, step: 0 } });
    expect(await editDraft(SHOP, draft.id, { content: content("We really miss you"), problems: [] })).toBe(2);
    const state = await campaignApproval(SHOP, c.id);
    expect(state).toMatchObject({ approved: false, reason: "edited-since-approval" });
    await expect(assertApproved(SHOP, c.id)).rejects.toThrow(/approve again/);
    await approveCampaign(SHOP, c.id, { by: "owner", version: 2 });
    await expect(assertApproved(SHOP, c.id)).resolves.toBeUndefined();
    await editPlan(SHOP, c.id, { ...PLAN, emails: [{ delayDays: 0 }] });
    await expect(assertApproved(SHOP, c.id)).rejects.toBeInstanceOf(ApprovalError);
  });

  it("a change behind the approval's back (same version, other content) is caught by the hash", async () => {
    const c = await campaign();
    await approveCampaign(SHOP, c.id, { by: "owner", version: 1 });
    await prisma.emailDraft.updateMany({ where: { campaignId: c.id, step: 1 }, data: { content: content("Sneaky") } });
    await expect(assertApproved(SHOP, c.id)).rejects.toMatchObject({ code: "not-approved" });
  });

  it("refuses a stale page, open problems, no drafts, and another shop's campaign", async () => {
    const c = await campaign();
    await expect(approveCampaign(SHOP, c.id, { by: "owner", version: 0 })).rejects.toMatchObject({ code: "stale-version" });
    await prisma.emailDraft.updateMany({ where: { campaignId: c.id, step: 1 }, data: { problems: ["mentions a price not in the catalog"] } });
    await expect(approveCampaign(SHOP, c.id, { by: "owner", version: 1 })).rejects.toThrow(/email\(s\) still have problems .*email 2A/);
    const empty = await prisma.campaign.create({ data: { shopId: SHOP, kind: "campaign", flowType: "launch", objective: "launch", name: "Empty", plan: {} } });
    await expect(approveCampaign(SHOP, empty.id, { by: "owner", version: 1 })).rejects.toMatchObject({ code: "no-drafts" });
    const theirs = await campaign(OTHER);
    await expect(approveCampaign(SHOP, theirs.id, { by: "owner", version: 1 })).rejects.toMatchObject({ code: "not-found" });
    const theirDraft = await prisma.emailDraft.findFirstOrThrow({ where: { campaignId: theirs.id } });
    await expect(editDraft(SHOP, theirDraft.id, { content: content("x"), problems: [] })).rejects.toMatchObject({ code: "not-found" });
    expect(await prisma.approval.count()).toBe(0);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: theirs.id } })).version).toBe(1);
  });
});
