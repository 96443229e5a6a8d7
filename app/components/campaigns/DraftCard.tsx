// One variant of one email on the review screen: its subject lines, preview
// text, headline and body (product, greeting and offer blocks described), the
// problems validation found, in-place editing of the words, and "Regenerate"
// with a note for the writer.
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Divider, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { EmailDraft } from "~/core/content/draft";
import { blockWords, copyFields, COPY_FIELD, type CopyFields } from "./copy-edit";

export interface DraftCardDraft {
  id: string;
  step: number;
  variant: string;
  tone: string;
  content: EmailDraft;
  problems: string[];
  warnings: string[];
  notes: string[];
}

interface DraftActionResult {
  intent: string;
  ok: boolean;
  draftId?: string;
  error?: string;
  problems?: string[];
}

interface Props {
  draft: DraftCardDraft;
  productTitles: Record<string, string>;
  /** The review route (POST intents "copy" and "regenerate"). */
  action: string;
  maxNoteChars: number;
  locked: boolean;
}

export function DraftCard({ draft, productTitles, action, maxNoteChars, locked }: Props) {
  const name = `${draft.step + 1}${draft.variant}`;
  const [editing, setEditing] = useState(false);
  const [fields, setFields] = useState<CopyFields>(() => copyFields(draft.content));
  const [note, setNote] = useState("");
  const edit = useFetcher<DraftActionResult>();
  const regenerate = useFetcher<DraftActionResult>();
  const c = draft.content;
  const title = (id: string) => productTitles[id] ?? null;

  const editDone = edit.state === "idle" && edit.data?.intent === "copy" && edit.data.ok;
  useEffect(() => {
    if (editDone) setEditing(false);
  }, [editDone, edit.data]);
  const regenerated = regenerate.state === "idle" && regenerate.data?.intent === "regenerate" && regenerate.data.ok;
  useEffect(() => {
    if (regenerated) setNote("");
  }, [regenerated, regenerate.data]);
  const refused = [edit, regenerate].map((f) => (f.state === "idle" && f.data && !f.data.ok ? f.data : null)).find(Boolean);

  const open = () => {
    setFields(copyFields(draft.content));
    setEditing(true);
  };
  const setSubject = (i: number, value: string) => setFields((f) => ({ ...f, subjects: f.subjects.map((s, j) => (j === i ? value : s)) }));
  const setParagraph = (i: number, value: string) => setFields((f) => ({ ...f, paragraphs: f.paragraphs.map((p, j) => (j === i ? value : p)) }));

  let paragraph = 0;
  return (
    <Card>
      <div data-draft={name}>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h3" variant="headingSm">
                Variant {draft.variant}
              </Text>
              <Badge>{draft.tone}</Badge>
              {draft.problems.length > 0 ? <Badge tone="critical">{`${draft.problems.length} to fix`}</Badge> : null}
            </InlineStack>
            {!editing ? (
              <Button onClick={open} disabled={locked} accessibilityLabel={`Edit email ${name}`}>
                Edit
              </Button>
            ) : null}
          </InlineStack>

          {draft.problems.length > 0 ? (
            <Banner tone="critical" title="Fix or regenerate before approving">
              <ul data-draft-problems={name}>
                {draft.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Banner>
          ) : null}
          {draft.warnings.length > 0 ? (
            <Banner tone="warning">
              <ul>
                {draft.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </Banner>
          ) : null}
          {refused ? (
            <Banner tone="critical" title={refused.error ?? "Not saved"}>
              {refused.problems && refused.problems.length > 0 ? (
                <ul>
                  {refused.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              ) : null}
            </Banner>
          ) : null}

          {editing ? (
            <BlockStack gap="300">
              {fields.subjects.map((s, i) => (
                <TextField key={i} label={`Email ${name}: subject line ${i + 1}`} autoComplete="off" value={s} onChange={(v) => setSubject(i, v)} maxLength={300} />
              ))}
              <TextField label={`Email ${name}: preview text`} autoComplete="off" value={fields.previewText} onChange={(previewText) => setFields((f) => ({ ...f, previewText }))} maxLength={500} />
              <TextField label={`Email ${name}: headline`} autoComplete="off" value={fields.headline} onChange={(headline) => setFields((f) => ({ ...f, headline }))} maxLength={300} />
              {fields.paragraphs.map((p, i) => (
                <TextField key={i} label={`Email ${name}: paragraph ${i + 1}`} autoComplete="off" multiline={3} value={p} onChange={(v) => setParagraph(i, v)} maxLength={2000} />
              ))}
              <InlineStack gap="200" align="end">
                <Button onClick={() => setEditing(false)}>Cancel</Button>
                <Button
                  variant="primary"
                  loading={edit.state !== "idle"}
                  onClick={() => edit.submit({ intent: "copy", draftId: draft.id, [COPY_FIELD]: JSON.stringify(fields) }, { method: "post", action })}
                  accessibilityLabel={`Save email ${name}`}
                >
                  Save
                </Button>
              </InlineStack>
              <Text as="p" variant="bodySm" tone="subdued">
                Saved edits are checked like generated copy, and the campaign needs approving again.
              </Text>
            </BlockStack>
          ) : (
            <BlockStack gap="200">
              <BlockStack gap="100">
                <Text as="span" variant="bodySm" tone="subdued">
                  Subject lines (tested against each other)
                </Text>
                {c.subjectVariants.map((s, i) => (
                  <Text as="p" key={i} fontWeight={i === 0 ? "semibold" : undefined}>
                    <span data-subject={`${name}-${i + 1}`}>{s}</span>
                  </Text>
                ))}
              </BlockStack>
              <Text as="p" tone="subdued">
                Preview: <span data-preview-text={name}>{c.previewText}</span>
              </Text>
              <Divider />
              <Text as="p" variant="headingSm">
                <span data-headline={name}>{c.headline}</span>
              </Text>
              {c.bodyBlocks.map((block, i) => {
                const words = blockWords(block, title);
                if (block.type === "paragraph") {
                  paragraph += 1;
                  return (
                    <Text as="p" key={i}>
                      <span data-paragraph={`${name}-${paragraph}`}>{block.text}</span>
                    </Text>
                  );
                }
                return (
                  <Box key={i} padding="200" background="bg-surface-secondary" borderRadius="200">
                    <Text as="p" variant="bodySm" tone="subdued">
                      <span data-block={block.type}>{words}</span>
                    </Text>
                  </Box>
                );
              })}
              <Text as="p" variant="bodySm">
                Button: <strong>{c.callToAction.label}</strong>{" "}
                <Text as="span" tone="subdued" variant="bodySm">
                  → {c.callToAction.url}
                </Text>
              </Text>
              {draft.notes.length > 0 ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  {draft.notes.join(" ")}
                </Text>
              ) : null}
            </BlockStack>
          )}

          <Divider />
          <InlineStack gap="200" blockAlign="end" wrap={false}>
            <Box width="100%">
              <TextField
                label={`Note for rewriting email ${name}`}
                labelHidden
                autoComplete="off"
                placeholder="Note for the rewrite (optional): shorter, mention the new colours…"
                value={note}
                onChange={setNote}
                maxLength={maxNoteChars}
                disabled={locked}
              />
            </Box>
            <Button
              onClick={() => regenerate.submit({ intent: "regenerate", draftId: draft.id, note }, { method: "post", action })}
              loading={regenerate.state !== "idle"}
              disabled={locked}
              accessibilityLabel={`Regenerate email ${name}`}
            >
              Regenerate
            </Button>
          </InlineStack>
        </BlockStack>
      </div>
    </Card>
  );
}
