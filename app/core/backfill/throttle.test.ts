import { describe, expect, it } from "vitest";
import { costOf, graphqlErrorsOf, isThrottled, waitForPoints } from "./throttle";

const status = { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 };

describe("waitForPoints", () => {
  it("waits for the missing points at the restore rate, less the time already passed", () => {
    expect(waitForPoints(status, 100, 0)).toBe(0);
    expect(waitForPoints(status, 300, 0)).toBe(2000);
    expect(waitForPoints(status, 300, 500)).toBe(1500);
    expect(waitForPoints(status, 5000, 0)).toBe(19_000); // never more than the bucket holds
  });
});

describe("reading responses", () => {
  it("finds THROTTLED in a plain body and in @shopify/graphql-client's error shape", () => {
    const errors = [{ message: "Throttled", extensions: { code: "THROTTLED" } }];
    expect(isThrottled(graphqlErrorsOf({ errors }))).toBe(true);
    expect(isThrottled(graphqlErrorsOf({ errors: { graphQLErrors: errors, message: "x" } }))).toBe(true);
    expect(graphqlErrorsOf({ data: {} })).toEqual([]);
  });

  it("reads the cost extension, or null when absent or malformed", () => {
    expect(costOf({ extensions: { cost: { requestedQueryCost: 12, actualQueryCost: 3, throttleStatus: status } } })).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 3,
      throttleStatus: status,
    });
    expect(costOf({ extensions: { cost: { throttleStatus: { currentlyAvailable: "x" } } } })).toBeNull();
    expect(costOf(null)).toBeNull();
  });
});
