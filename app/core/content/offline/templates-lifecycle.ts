// Offline templates for lifecycle emails: welcome, post-purchase and win-back.
import type { AngleTemplates } from "./template-types";

export const LIFECYCLE_TEMPLATES = {
  welcome: {
    subjects: {
      formal: ["Welcome to {shop}", "Thank you for joining {shop}", "Welcome, and thank you", "We are glad you are here", "Welcome to {shop}: {offerShort} inside"],
      casual: ["Welcome to the family", "Hey, welcome to {shop}", "So glad you're here", "You're in. Welcome!", "Welcome! Here's {offerShort}"],
      urgency: ["Welcome to {shop}: start here", "You're in. Take a look today", "Welcome! Your first look inside", "Start exploring {shop} today", "Welcome: {offerShort} is waiting"],
    },
    previews: ["Thanks for joining us.", "Here's what to expect from us.", "We're glad you're here."],
    headlines: {
      formal: ["Welcome to {shop}", "Thank you for joining us"],
      casual: ["Welcome to the family", "So glad you're here"],
      urgency: ["Welcome to {shop}", "Start exploring today"],
    },
    intros: {
      formal: ["Thank you for subscribing to {shop}. We will keep you informed about new products and news from our shop.", "Welcome to {shop}. We are glad to have you with us and look forward to sharing what we make."],
      casual: ["Thanks for joining us. We're so happy you're here, and we can't wait to show you around.", "Welcome aboard. You'll be the first to hear about new arrivals and news from {shop}."],
      urgency: ["You're in. Start exploring {shop} today and find something you love.", "Welcome to {shop}. Take a look around today."],
    },
    cta: "home",
  },
  bestsellers: {
    subjects: {
      formal: ["Our customers' favourites", "Popular at {shop}", "A few favourites from {shop}", "Where to begin at {shop}"],
      casual: ["Our most-loved picks", "Not sure where to start?", "The picks everyone likes", "Start with these"],
      urgency: ["Start with our favourites today", "Popular right now at {shop}", "Take a look at our favourites today", "The picks to see today"],
    },
    previews: ["A good place to start.", "What other customers choose most.", "A few favourites to get you started."],
    headlines: {
      formal: ["Our customers' favourites", "A good place to begin"],
      casual: ["Not sure where to start?", "Our most-loved picks"],
      urgency: ["Popular right now", "Start with our favourites"],
    },
    intros: {
      formal: ["If you are not sure where to begin, these are the products our customers choose most often.", "Here are a few of the most popular products at {shop}."],
      casual: ["Not sure where to start? These are the picks our customers come back for.", "Here are a few favourites to get you started."],
      urgency: ["These are popular right now. Take a look today.", "Start with our customers' favourites today."],
    },
    cta: "collections",
  },
  "first-order": {
    subjects: {
      formal: ["Ready for your first order?", "An invitation from {shop}", "Your first order at {shop}", "Whenever you are ready", "{offerShort} on your first order"],
      casual: ["Ready when you are", "Time for your first pick?", "Find your first favourite", "Your first order awaits", "A welcome gift: {offerShort}"],
      urgency: ["Place your first order today", "Your first order is a click away", "Start shopping today", "Don't miss your welcome", "Use {offerShort} on your first order"],
    },
    previews: ["Your first order is just a click away.", "Find something you love.", "Here's a little help choosing."],
    headlines: {
      formal: ["Ready for your first order?", "An invitation"],
      casual: ["Ready when you are", "Find your first favourite"],
      urgency: ["Place your first order today", "Start shopping today"],
    },
    intros: {
      formal: ["Whenever you are ready to place your first order, we will be glad to have you as a customer.", "We hope you have enjoyed getting to know {shop}. Here are a few products to help you choose."],
      casual: ["Had a look around yet? Here are a few picks to help you find your first favourite.", "Whenever you're ready, your first order is just a click away."],
      urgency: ["Your first order is a click away. Take a look today.", "Start shopping today and find your first favourite."],
    },
    cta: "collections",
  },
  thanks: {
    subjects: {
      formal: ["Thank you for your order", "Thank you from {shop}", "We appreciate your order", "A note of thanks from {shop}"],
      casual: ["Thanks a bunch!", "You made our day", "Thanks for shopping with us", "A big thank-you from {shop}"],
      urgency: ["Thank you for your order", "Thanks from all of us", "Your order means a lot", "Thanks for choosing {shop}"],
    },
    previews: ["A quick thank-you from all of us.", "We're grateful you chose us.", "Thanks for being a customer."],
    headlines: {
      formal: ["Thank you for your order", "We appreciate it"],
      casual: ["You made our day", "Thanks a bunch"],
      urgency: ["Thank you", "Thanks for choosing us"],
    },
    intros: {
      formal: ["Thank you for your recent order at {shop}. We truly appreciate your support.", "We wanted to say thank you for choosing {shop}."],
      casual: ["Thanks so much for your order. It really made our day.", "Just a quick note to say thank you for shopping with us."],
      urgency: ["Thank you for your order. We're glad you chose {shop}.", "Thanks for shopping with us. We hope you enjoy your order."],
    },
    cta: "home",
  },
  "cross-sell": {
    subjects: {
      formal: ["Selected to go with your order", "Products that pair well with yours", "You may also like", "Complete the set", "{offerShort} on your next order"],
      casual: ["These go great with your order", "Picked to match your order", "You might like these too", "Good things come in pairs", "A little something: {offerShort}"],
      urgency: ["Pairs well with your order", "Complete your set today", "Add these to your collection today", "Picked for you: take a look today", "Use {offerShort} on your next order"],
    },
    previews: ["Picked to go with what you bought.", "Customers who bought the same often add these.", "Ideas to complete your order."],
    headlines: {
      formal: ["Selected for you", "Pairs well with your order"],
      casual: ["Picked to match", "You might like these too"],
      urgency: ["Complete your set", "Picked for you"],
    },
    intros: {
      formal: ["Based on your recent order, we have selected a few products that pair well with it.", "Customers who bought the same items often choose these as well."],
      casual: ["We picked a few things that go great with your recent order.", "Loving your order? These make a great match."],
      urgency: ["These pair well with your recent order. Take a look today.", "Complete your set today with these picks."],
    },
    cta: "collections",
  },
  "check-in": {
    subjects: {
      formal: ["How are you finding your order?", "A quick question from {shop}", "We would love your thoughts", "How is everything?"],
      casual: ["How's it going?", "Quick check-in from {shop}", "Loving your order?", "Tell us what you think"],
      urgency: ["Quick question about your order", "Tell us how it's going", "A minute for a quick reply?", "How's your order working out?"],
    },
    previews: ["We'd love to hear from you.", "Just hit reply and tell us.", "Your thoughts help us improve."],
    headlines: {
      formal: ["How is everything?", "We would love your thoughts"],
      casual: ["How's it going?", "Loving your order?"],
      urgency: ["A quick question", "Tell us how it's going"],
    },
    intros: {
      formal: ["We hope you are enjoying your order. If you have a moment, reply to this email and let us know how you are finding it.", "It has been a little while since your order, and we would love to hear how it is going."],
      casual: ["It's been a few weeks. How are you getting on with your order? Hit reply and tell us.", "We'd love to hear what you think of your order. Just reply to this email."],
      urgency: ["Got a minute? Reply and tell us how your order is working out.", "Your thoughts help us improve. Reply today and tell us how it's going."],
    },
    cta: "home",
  },
  "miss-you": {
    subjects: {
      formal: ["It has been a while", "We have missed you at {shop}", "Welcome back to {shop}", "A note from {shop}"],
      casual: ["We miss you!", "Long time no see", "Hey, it's been a while", "Come say hi"],
      urgency: ["Come back and take a look", "It's been a while: see what you missed", "Come back to {shop} today", "Your favourites are waiting"],
    },
    previews: ["It's been a while, and we'd love to see you again.", "See what you might like now.", "A quick hello from {shop}."],
    headlines: {
      formal: ["It has been a while", "We have missed you"],
      casual: ["We miss you!", "Long time no see"],
      urgency: ["Come back and take a look", "See what you missed"],
    },
    intros: {
      formal: ["It has been a while since your last visit to {shop}, and we would be glad to see you again.", "We have missed you at {shop}. Here are a few products we think you may like."],
      casual: ["It's been a while, and we've missed you. Here are a few picks we think you'll love.", "Long time no see. Come back and see what you might like."],
      urgency: ["It's been a while. Come back and take a look today.", "Here's what you might like right now. Come back and take a look today."],
    },
    cta: "collections",
  },
  "whats-new": {
    subjects: {
      formal: ["New at {shop}", "Recently added at {shop}", "What is new since your last visit", "The latest from {shop}"],
      casual: ["Look what's new", "Fresh arrivals just for you", "New stuff you haven't seen", "What's new at {shop}"],
      urgency: ["New at {shop}: take a look today", "See what's new today", "Fresh arrivals: have a look today", "Don't miss what's new"],
    },
    previews: ["Here's what has arrived since your last visit.", "A look at our newest products.", "Fresh from {shop}."],
    headlines: {
      formal: ["New at {shop}", "Recently added"],
      casual: ["Look what's new", "Fresh arrivals"],
      urgency: ["See what's new today", "Don't miss what's new"],
    },
    intros: {
      formal: ["A lot has arrived since your last visit. Here are a few of our newest products.", "We have added new products to {shop}, and we thought you would like to see them."],
      casual: ["We've been busy. Here's a look at what's new since you last stopped by.", "Fresh arrivals are in, and we think you'll like them."],
      urgency: ["See what's new today, fresh since your last visit.", "New products have arrived. Take a look today."],
    },
    cta: "collections",
  },
  "comeback-offer": {
    subjects: {
      formal: ["An invitation to return to {shop}", "We would love to see you again", "A final note from {shop}", "Your place at {shop} is waiting", "{offerShort} on your next order"],
      casual: ["Come back, we saved you a spot", "One more reason to come back", "We'd love to see you again", "Still thinking of us?", "Here's {offerShort} to welcome you back"],
      urgency: ["Come back today", "A last invitation from {shop}", "Your favourites are waiting today", "Come back and take a look today", "Use {offerShort} within {days} days"],
    },
    previews: ["We'd love to welcome you back.", "This is our last note for now.", "Your place here is waiting."],
    headlines: {
      formal: ["An invitation to return", "We would love to see you again"],
      casual: ["Come back, we saved you a spot", "One more reason to come back"],
      urgency: ["Come back today", "A last invitation"],
    },
    intros: {
      formal: ["We would love to welcome you back to {shop}. Here are a few products we think you may like.", "This is our last note for now. If you would like to return, we will be glad to see you."],
      casual: ["We'd love to see you again, so here's one more reason to come back.", "We saved you a spot. Come back whenever you like."],
      urgency: ["This is our last invitation for now. Come back today and take a look.", "Your favourites are waiting. Come back today."],
    },
    cta: "collections",
  },
} satisfies Record<string, AngleTemplates>;
