// Word lists for the demo store. Plain data, no logic.

export interface CategorySpec {
  productType: string;
  collection: string;
  nouns: readonly string[];
  /** Median price in cents and log-normal spread. */
  priceMedian: number;
  priceSigma: number;
  option: { name: string; values: readonly string[] } | null;
  /** Share of the catalog. */
  weight: number;
  tags: readonly string[];
}

export const CATEGORIES: readonly CategorySpec[] = [
  { productType: "Apparel", collection: "Apparel", nouns: ["Tee", "Hoodie", "Crewneck", "Overshirt", "Tank", "Cardigan", "Joggers", "Shorts"], priceMedian: 4200, priceSigma: 0.35, option: { name: "Size", values: ["XS", "S", "M", "L", "XL"] }, weight: 0.22, tags: ["cotton", "organic", "unisex", "bestseller", "new"] },
  { productType: "Home & Kitchen", collection: "Home & Kitchen", nouns: ["Mug", "Candle", "Throw", "Cutting Board", "Planter", "Vase", "Tea Towel", "Serving Bowl", "Coaster Set"], priceMedian: 2800, priceSigma: 0.45, option: { name: "Color", values: ["Sand", "Sage", "Charcoal", "Terracotta"] }, weight: 0.22, tags: ["handmade", "ceramic", "gift", "bestseller", "home"] },
  { productType: "Accessories", collection: "Accessories", nouns: ["Tote", "Beanie", "Cap", "Socks", "Scarf", "Wallet", "Keyring", "Backpack"], priceMedian: 2400, priceSigma: 0.5, option: { name: "Color", values: ["Black", "Navy", "Oat", "Olive"] }, weight: 0.18, tags: ["gift", "everyday", "new", "recycled"] },
  { productType: "Beauty", collection: "Bath & Body", nouns: ["Bar Soap", "Hand Cream", "Body Oil", "Lip Balm", "Bath Salts", "Face Mist"], priceMedian: 1600, priceSigma: 0.35, option: null, weight: 0.14, tags: ["vegan", "natural", "gift", "refill"] },
  { productType: "Outdoor", collection: "Outdoor", nouns: ["Water Bottle", "Picnic Blanket", "Camp Mug", "Hammock", "Lantern", "Cooler Bag"], priceMedian: 3800, priceSigma: 0.5, option: { name: "Color", values: ["Forest", "Sky", "Stone"] }, weight: 0.12, tags: ["outdoor", "travel", "durable", "new"] },
  { productType: "Stationery", collection: "Stationery", nouns: ["Notebook", "Planner", "Greeting Card", "Pen Set", "Sticker Pack", "Print"], priceMedian: 1200, priceSigma: 0.45, option: null, weight: 0.12, tags: ["paper", "gift", "recycled", "desk"] },
];

export const ADJECTIVES = [
  "Everyday", "Classic", "Harbor", "Meadow", "Coastal", "Alpine", "Studio", "Heritage", "Field", "Sunday",
  "Cedar", "Linen", "Wool", "Juniper", "Nordic", "Canyon", "Willow", "Ember", "Tidal", "Summit",
  "Fern", "Dune", "Orchard", "Granite", "Saffron", "Maple", "Drift", "Lumen", "Prairie", "Marlow",
] as const;

export const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
  "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail", "Alexander",
  "Emily", "Jack", "Ella", "Daniel", "Grace", "Leo", "Chloe", "Samuel", "Nora", "Mateo",
  "Aisha", "Wei", "Priya", "Hiro", "Fatima", "Diego", "Zoe", "Omar", "Lena", "Kofi",
  "Sofia", "Ethan", "Maya", "Lucy", "Ravi", "Ingrid", "Tomás", "Yuki", "Chiara", "Jonas",
] as const;

export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
  "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
  "Nguyen", "Patel", "Kim", "Chen", "Okafor", "Müller", "Rossi", "Dubois", "Novak", "Silva",
  "Kowalski", "Andersen", "O'Brien", "Murphy", "Schmidt", "Tanaka", "Khan", "Haddad", "Costa", "Berg",
] as const;

/** [country code, country, province code, province, city, zip prefix, share] */
export const PLACES: readonly (readonly [string, string, string, string, string, string, number])[] = [
  ["US", "United States", "CA", "California", "Los Angeles", "900", 0.12],
  ["US", "United States", "NY", "New York", "Brooklyn", "112", 0.1],
  ["US", "United States", "TX", "Texas", "Austin", "787", 0.08],
  ["US", "United States", "WA", "Washington", "Seattle", "981", 0.06],
  ["US", "United States", "IL", "Illinois", "Chicago", "606", 0.06],
  ["US", "United States", "FL", "Florida", "Miami", "331", 0.05],
  ["US", "United States", "MA", "Massachusetts", "Boston", "021", 0.05],
  ["US", "United States", "CO", "Colorado", "Denver", "802", 0.04],
  ["US", "United States", "OR", "Oregon", "Portland", "972", 0.04],
  ["US", "United States", "GA", "Georgia", "Atlanta", "303", 0.04],
  ["CA", "Canada", "ON", "Ontario", "Toronto", "M5V", 0.07],
  ["CA", "Canada", "BC", "British Columbia", "Vancouver", "V6B", 0.04],
  ["GB", "United Kingdom", "ENG", "England", "London", "SW1", 0.08],
  ["GB", "United Kingdom", "SCT", "Scotland", "Edinburgh", "EH1", 0.02],
  ["AU", "Australia", "NSW", "New South Wales", "Sydney", "200", 0.05],
  ["DE", "Germany", "BE", "Berlin", "Berlin", "101", 0.04],
  ["FR", "France", "IDF", "Île-de-France", "Paris", "750", 0.03],
  ["NL", "Netherlands", "NH", "Noord-Holland", "Amsterdam", "101", 0.02],
  ["IE", "Ireland", "D", "Dublin", "Dublin", "D02", 0.01],
];

/** [referring site, landing utm, share] */
export const TRAFFIC_SOURCES: readonly (readonly [string, string, number])[] = [
  ["", "", 0.3],
  ["https://www.google.com/", "", 0.25],
  ["https://www.instagram.com/", "?utm_source=instagram&utm_medium=social", 0.14],
  ["https://www.facebook.com/", "?utm_source=facebook&utm_medium=paid_social&utm_campaign=prospecting", 0.1],
  ["https://www.pinterest.com/", "?utm_source=pinterest&utm_medium=social", 0.05],
  ["https://www.tiktok.com/", "?utm_source=tiktok&utm_medium=social", 0.05],
  ["https://mail.example.com/", "?utm_source=newsletter&utm_medium=email", 0.08],
  ["https://www.bing.com/", "", 0.03],
];

export const SEARCH_TERMS = ["gift", "candle", "hoodie", "mug", "socks", "sale", "linen", "blanket", "soap", "notebook", "tote", "bottle", "christmas", "black"] as const;

export const USER_AGENTS = [
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
] as const;
