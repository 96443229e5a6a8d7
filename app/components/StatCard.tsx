import { BlockStack, Card, Text } from "@shopify/polaris";

export interface StatCardProps {
  label: string;
  value: string;
  hint?: string;
  /** A stable id for tests and screen readers. */
  id: string;
}

export function StatCard({ label, value, hint, id }: StatCardProps) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued" id={`${id}-label`}>
          {label}
        </Text>
        <Text as="p" variant="heading2xl" aria-labelledby={`${id}-label`}>
          <span data-stat={id}>{value}</span>
        </Text>
        {hint ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {hint}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
