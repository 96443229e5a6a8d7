// Shared constants for tests, the fakes and the demo.
export const TEST_API_KEY = "loopwise-test-api-key";
export const TEST_API_SECRET = "loopwise-test-api-secret";
export const TEST_APP_URL = "https://loopwise.test";
export const TEST_SHOP = "test-shop.myshopify.com";
