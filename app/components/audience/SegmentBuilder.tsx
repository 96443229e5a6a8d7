// The segment builder: a natural-language box that loads a rule INTO the builder
// (never saves it), the AND/OR rule editor, and a live preview (count, up to ten
// members, the rule in words) fetched, debounced, from the builder's server route
// as the merchant edits. Save validates on the server again.
import { useEffect, useMemo, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Layout,
  Link,
  Select,
  Spinner,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import type { Rule } from "~/core/audience/segments/rule";
import { formatCount } from "../format";
import type { BuilderResult } from "./builder-protocol";
import { ConditionRow } from "./ConditionRow";
import {
  addChild,
  canAddCondition,
  canAddGroup,
  countConditions,
  explainErrors,
  fromRule,
  newCondition,
  newGroup,
  removeNode,
  toRuleInput,
  updateNode,
  type DraftCondition,
  type DraftGroup,
  type DraftNode,
} from "./rule-draft";

export interface SegmentBuilderProps {
  /** The builder's server route. */
  action: string;
  currency: string;
  suggestions: readonly string[];
  maxNameLength: number;
  /** Editing a saved segment; absent when creating one. */
  segment?: { id: string; name: string; rule: Rule | null };
}

const PREVIEW_DEBOUNCE_MS = 350;

export function SegmentBuilder({ action, currency, suggestions, maxNameLength, segment }: SegmentBuilderProps) {
  const [name, setName] = useState(segment?.name ?? "");
  const [draft, setDraft] = useState<DraftGroup>(() => (segment?.rule ? fromRule(segment.rule, currency) : newGroup("and", [])));
  const [words, setWords] = useState("");

  const preview = useFetcher<BuilderResult>();
  const parse = useFetcher<BuilderResult>();
  const save = useFetcher<BuilderResult>();
  const submitPreview = preview.submit;

  const converted = useMemo(() => toRuleInput(draft, currency), [draft, currency]);
  const ruleJson = converted.ok ? JSON.stringify(converted.rule) : null;

  // Live preview: once the merchant pauses; a newer submission cancels an older one in flight.
  useEffect(() => {
    if (ruleJson === null) return;
    const timer = setTimeout(() => submitPreview({ intent: "preview", rule: ruleJson }, { method: "post", action }), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [ruleJson, action, submitPreview]);

  // The parser's rule is loaded into the builder for review, once per answer.
  const parsed = parse.data;
  useEffect(() => {
    if (parsed?.intent === "parse" && parsed.ok) setDraft(fromRule(parsed.rule, currency));
  }, [parsed, currency]);

  const askParser = (text: string) => {
    setWords(text);
    parse.submit({ intent: "parse", text }, { method: "post", action });
  };

  const numbers = useMemo(() => numberConditions(draft), [draft]);
  const previewData = preview.data?.intent === "preview" ? preview.data : undefined;
  const empty = countConditions(draft) === 0;
  // What the merchant has yet to type (a number, an amount) is guidance; what the server refused is an error.
  const unfinished = !converted.ok && !empty ? converted.errors : [];
  const previewErrors = converted.ok && previewData && !previewData.ok ? explainErrors(previewData.errors, draft) : [];
  const saveErrors = save.data?.intent === "save" && !save.data.ok ? explainErrors(save.data.errors, draft) : [];
  const updating = preview.state !== "idle";
  const saving = save.state !== "idle";

  const onSave = () => {
    if (ruleJson === null) return;
    save.submit({ intent: "save", name, rule: ruleJson, ...(segment ? { id: segment.id } : {}) }, { method: "post", action });
  };

  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Describe it in words
              </Text>
              <form
                data-nl-form=""
                onSubmit={(event) => {
                  event.preventDefault();
                  askParser(words);
                }}
              >
                <TextField
                  label="Customers who…"
                  autoComplete="off"
                  value={words}
                  onChange={setWords}
                  placeholder="bought twice but nothing in 90 days"
                  connectedRight={
                    <Button submit loading={parse.state !== "idle"}>
                      Build rule
                    </Button>
                  }
                />
              </form>
              <InlineStack gap="200" wrap>
                {suggestions.map((s) => (
                  <Tag key={s} onClick={() => askParser(s)}>
                    {s}
                  </Tag>
                ))}
              </InlineStack>
              {parsed?.intent === "parse" && !parsed.ok && parse.state === "idle" ? (
                <Banner tone="warning" title="Not understood">
                  <p data-nl-error="">{parsed.error}</p>
                </Banner>
              ) : null}
              {parsed?.intent === "parse" && parsed.ok && parse.state === "idle" ? (
                <Banner tone="info" title="Loaded into the builder below: review it, then save">
                  <p data-nl-understood="">{parsed.description}</p>
                </Banner>
              ) : null}
            </BlockStack>
          </Card>

          <Card>
            <BlockStack gap="300">
              <TextField label="Segment name" autoComplete="off" value={name} onChange={setName} maxLength={maxNameLength} name="segment-name" />
              <Text as="h2" variant="headingMd">
                Rule
              </Text>
              <GroupEditor group={draft} root={draft} depth={1} numbers={numbers} currency={currency} setDraft={setDraft} />
            </BlockStack>
          </Card>
        </BlockStack>
      </Layout.Section>

      <Layout.Section variant="oneThird">
        <BlockStack gap="400">
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Matching customers
                </Text>
                {updating ? <Spinner size="small" accessibilityLabel="Updating the count" /> : null}
              </InlineStack>
              {empty ? (
                <Text as="p" tone="subdued">
                  Add a condition, or describe the customers in words.
                </Text>
              ) : unfinished.length > 0 ? (
                <Banner tone="warning" title="Finish the rule">
                  <ul data-rule-errors="">
                    {unfinished.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </Banner>
              ) : previewErrors.length > 0 ? (
                <Banner tone="critical" title="Fix the rule">
                  <ul data-rule-errors="">
                    {previewErrors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </Banner>
              ) : previewData?.ok ? (
                <BlockStack gap="200">
                  <Text as="p" variant="heading2xl">
                    <span data-preview-count={previewData.count}>{formatCount(previewData.count)}</span>
                  </Text>
                  <Text as="p" tone="subdued">
                    <span data-preview-description="">{previewData.description}</span>
                  </Text>
                  {previewData.sample.length > 0 ? (
                    <BlockStack gap="100">
                      <Text as="h3" variant="headingSm">
                        {previewData.count > previewData.sample.length ? `First ${previewData.sample.length}` : "Members"}
                      </Text>
                      {previewData.sample.map((m) => (
                        <Text as="p" key={m.id}>
                          <Link url={`/app/customers/${m.id}`}>{m.name}</Link>
                          {m.email ? (
                            <Text as="span" tone="subdued">
                              {" "}
                              {m.email}
                            </Text>
                          ) : null}
                        </Text>
                      ))}
                    </BlockStack>
                  ) : null}
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">
                  The count appears as you build the rule.
                </Text>
              )}
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              {saveErrors.length > 0 ? (
                <Banner tone="critical" title="Not saved">
                  <ul data-save-errors="">
                    {saveErrors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </Banner>
              ) : null}
              <Button variant="primary" onClick={onSave} loading={saving} disabled={ruleJson === null || name.trim() === ""}>
                {segment ? "Save changes" : "Save segment"}
              </Button>
              <Text as="p" variant="bodySm" tone="subdued">
                {name.trim() === "" ? "Name the segment to save it. " : ""}Members are re-evaluated when it is saved.
              </Text>
            </BlockStack>
          </Card>
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

/** Each condition's number in reading order, by key. */
function numberConditions(root: DraftGroup): Map<string, number> {
  const numbers = new Map<string, number>();
  const visit = (node: DraftNode) => {
    if (node.kind === "condition") numbers.set(node.key, numbers.size + 1);
    else node.children.forEach(visit);
  };
  visit(root);
  return numbers;
}

const COMBINATORS = [
  { value: "and", label: "all of these (AND)" },
  { value: "or", label: "any of these (OR)" },
];

interface GroupEditorProps {
  group: DraftGroup;
  root: DraftGroup;
  depth: number;
  numbers: Map<string, number>;
  currency: string;
  setDraft(update: (root: DraftGroup) => DraftGroup): void;
}

function GroupEditor({ group, root, depth, numbers, currency, setDraft }: GroupEditorProps) {
  const isRoot = depth === 1;
  return (
    <Box padding={isRoot ? "0" : "300"} borderWidth={isRoot ? undefined : "025"} borderColor="border" borderRadius="200">
      <div data-group-depth={depth}>
        <BlockStack gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">{isRoot ? "Customers who match" : "Match"}</Text>
            <Select
              label={isRoot ? "Match" : `Group at depth ${depth}: match`}
              labelHidden
              options={COMBINATORS}
              value={group.combinator}
              onChange={(value) => setDraft((r) => updateNode(r, group.key, (n) => ({ ...(n as DraftGroup), combinator: value === "or" ? "or" : "and" })))}
            />
          </InlineStack>
          {group.children.length === 0 ? (
            <Text as="p" tone="subdued">
              No conditions yet: add one, or describe the customers in words above.
            </Text>
          ) : null}
          {group.children.map((child) =>
            child.kind === "group" ? (
              <GroupEditor key={child.key} group={child} root={root} depth={depth + 1} numbers={numbers} currency={currency} setDraft={setDraft} />
            ) : (
              <ConditionRow
                key={child.key}
                condition={child}
                number={numbers.get(child.key) ?? 0}
                currency={currency}
                onChange={(next: DraftCondition) => setDraft((r) => updateNode(r, child.key, () => next))}
                onRemove={() => setDraft((r) => removeNode(r, child.key))}
              />
            ),
          )}
          <InlineStack gap="200">
            <Button onClick={() => setDraft((r) => addChild(r, group.key, newCondition()))} disabled={!canAddCondition(root)}>
              Add condition
            </Button>
            <Button
              onClick={() => setDraft((r) => addChild(r, group.key, newGroup(group.combinator === "and" ? "or" : "and")))}
              disabled={!canAddGroup(root, group.key)}
            >
              Add group
            </Button>
            {!isRoot ? (
              <Button variant="plain" tone="critical" onClick={() => setDraft((r) => removeNode(r, group.key))}>
                Remove group
              </Button>
            ) : null}
          </InlineStack>
        </BlockStack>
      </div>
    </Box>
  );
}
