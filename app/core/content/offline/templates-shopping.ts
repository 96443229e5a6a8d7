// Offline templates for shopping-intent emails: cart recovery, browse
// abandonment, launches and sales campaigns. Plain claims only: no stock
// levels, rankings, deadlines or discounts unless a slot brings the fact.
import type { AngleTemplates } from "./template-types";

export const SHOPPING_TEMPLATES = {
  "cart-reminder": {
    subjects: {
      formal: ["Your cart is saved at {shop}", "You left items in your cart", "Your selection is waiting", "A reminder about your cart"],
      casual: ["Forgot something?", "Your cart misses you", "Still thinking it over?", "Psst, your cart is still here"],
      urgency: ["Your cart is still waiting", "Complete your order today", "Don't lose your cart", "Your items are waiting for you"],
    },
    previews: ["The items you chose are still in your cart.", "Pick up right where you left off.", "Your cart is saved and ready when you are."],
    headlines: {
      formal: ["Your cart is waiting", "You left something behind"],
      casual: ["Still thinking it over?", "Your cart is right where you left it"],
      urgency: ["Your cart is still waiting", "Finish your order today"],
    },
    intros: {
      formal: ["We noticed you left some items in your cart. We have saved them for you, so you can complete your order whenever you are ready.", "Your cart at {shop} is still saved. You can return to it at any time to complete your order."],
      casual: ["Looks like you left a few things behind. No worries, we saved your cart so you can pick up right where you left off.", "Your cart is still here, just as you left it. Whenever you're ready, it's one click away."],
      urgency: ["Your cart is still saved and ready to go. Complete your order today.", "You were almost there. Your items are still in your cart, so finish your order today."],
    },
    cta: "cart",
  },
  "cart-reassurance": {
    subjects: {
      formal: ["Any questions about your order?", "We are here to help with your order", "Can we help you decide?", "Your cart at {shop}, with our help"],
      casual: ["Got questions? We've got answers", "Need a hand with your order?", "Not sure yet? We can help", "Anything we can help with?"],
      urgency: ["Questions? Let's sort them out today", "Your cart is still open", "Let's finish your order today", "One quick question before you go"],
    },
    previews: ["Reply to this email and a real person will help.", "Your cart is saved, and we are happy to help.", "Just reply if something is holding you back."],
    headlines: {
      formal: ["We are happy to help", "Questions about your order?"],
      casual: ["Need a hand?", "Not sure yet?"],
      urgency: ["Let's get your order sorted", "Your cart is still open"],
    },
    intros: {
      formal: ["If something held you back from completing your order, we would be glad to help. Simply reply to this email with your question.", "Choosing the right item matters. If you have a question about anything in your cart, reply to this email and we will help."],
      casual: ["Not sure about something in your cart? Just hit reply and ask us anything.", "If you had a question before checking out, we're happy to help. Just reply to this email."],
      urgency: ["If a question is stopping you, reply now and we'll help you finish your order today.", "Your cart is still open. If anything is unclear, reply to this email and let's get it sorted."],
    },
    cta: "cart",
  },
  "cart-last-call": {
    subjects: {
      formal: ["A final reminder about your cart", "Your cart at {shop}: a last reminder", "Your saved cart at {shop}", "One last note about your order", "Your cart, now with {offerShort}"],
      casual: ["Last nudge, promise", "One more look at your cart?", "Still want these?", "We saved your cart one more time", "A little something for your cart: {offerShort}"],
      urgency: ["Last reminder: your cart is waiting", "Your cart is ready when you are", "Final reminder about your order", "Complete your order today", "Use {offerShort} on your cart today"],
    },
    previews: ["This is our last reminder about your cart.", "Your items are still saved.", "We won't keep reminding you, promise."],
    headlines: {
      formal: ["A final reminder", "Your cart is still saved"],
      casual: ["One last nudge", "Still want these?"],
      urgency: ["Last reminder", "Complete your order today"],
    },
    intros: {
      formal: ["This is our final reminder about the items in your cart. If you would still like them, your cart is ready for you.", "We do not want you to miss out on the items you chose. Your cart is still saved."],
      casual: ["This is the last time we'll mention it, promise. Your cart is still here if you want it.", "We saved your cart one more time, in case you still want these."],
      urgency: ["This is your last reminder. Your cart is still saved, so complete your order today.", "Don't let your cart slip away. Your items are ready to order now."],
    },
    cta: "cart",
  },
  "viewed-reminder": {
    subjects: {
      formal: ["Still interested?", "Take another look", "Something caught your eye", "The item you viewed at {shop}"],
      casual: ["Saw something you liked?", "Still thinking about it?", "Back for another look?", "We noticed you looking"],
      urgency: ["Still interested? Take a look today", "Don't forget what caught your eye", "Come back for another look", "Your pick is still here"],
    },
    previews: ["Here is what you were looking at.", "The products you viewed, all in one place.", "Take another look whenever you like."],
    headlines: {
      formal: ["Take another look", "Still interested?"],
      casual: ["Saw something you liked?", "Still thinking about it?"],
      urgency: ["Take another look today", "Your pick is still here"],
    },
    intros: {
      formal: ["You recently viewed a few products at {shop}. Here they are again, in case you would like a closer look.", "We thought you might like another look at what you viewed."],
      casual: ["Something caught your eye the other day. Here it is again.", "Still thinking about it? Here's what you were looking at."],
      urgency: ["You had your eye on something. Take another look today.", "Here's what you were looking at. Come back and have another look today."],
    },
    cta: "collections",
  },
  "related-picks": {
    subjects: {
      formal: ["Selected for you at {shop}", "You may also like these", "A few suggestions from {shop}", "More to explore at {shop}"],
      casual: ["You might like these too", "A few picks for you", "More good stuff to explore", "Picked with you in mind"],
      urgency: ["Picks worth a look today", "Take a look at these today", "Don't miss these picks", "Have a look today"],
    },
    previews: ["A few products close to what you viewed.", "Suggestions based on what shoppers like.", "More to explore at {shop}."],
    headlines: {
      formal: ["You may also like", "A few suggestions"],
      casual: ["You might like these too", "Picked for you"],
      urgency: ["Worth a look today", "Have a look today"],
    },
    intros: {
      formal: ["Based on what you viewed, we selected a few products you may like.", "If you are still looking, these popular products may suit you."],
      casual: ["Still browsing? Here are a few picks we think you'll like.", "We've rounded up a few favourites you might like."],
      urgency: ["Here are a few picks worth a look today.", "These picks are ready for you. Take a look today."],
    },
    cta: "collections",
  },
  teaser: {
    subjects: {
      formal: ["Something new is coming to {shop}", "A preview of what is next", "Coming soon to {shop}", "Save the date for something new"],
      casual: ["Something new is on the way", "Guess what's coming?", "We've been working on something", "Coming soon, and we can't wait"],
      urgency: ["Coming soon: be the first to know", "Watch your inbox", "Something new is almost here", "Be first in line"],
    },
    previews: ["Keep an eye on your inbox.", "We will share the details very soon.", "You will hear it from us first."],
    headlines: {
      formal: ["Something new is coming", "A preview of what is next"],
      casual: ["Something's on the way", "Guess what's coming?"],
      urgency: ["Almost here", "Be the first to know"],
    },
    intros: {
      formal: ["We have been working on something new at {shop}, and we will share it with you very soon.", "Something new is coming to {shop}. As a subscriber, you will hear about it first."],
      casual: ["We've been busy behind the scenes, and something new is almost ready. You'll be the first to know.", "Big news is on its way. Keep an eye on your inbox."],
      urgency: ["Something new is almost here. Watch your inbox so you don't miss the launch.", "You'll be among the first to hear about it. Keep an eye on your inbox."],
    },
    cta: "home",
  },
  launch: {
    subjects: {
      formal: ["Introducing {product}", "Now available: {product}", "It is here: something new at {shop}", "New at {shop}", "{product}, now at {shop}"],
      casual: ["Say hello to {product}", "It's here!", "Meet {product}", "The wait is over", "Fresh from {shop}"],
      urgency: ["{product} is here. Get yours", "It's here. Be one of the first", "Now available at {shop}", "Out now at {shop}", "Be first to get {product}"],
    },
    previews: ["Now available at {shop}.", "Be one of the first to see it.", "The wait is over."],
    headlines: {
      formal: ["Introducing {product}", "Now available"],
      casual: ["Meet {product}", "It's here!"],
      urgency: ["{product} is here", "Out now"],
    },
    intros: {
      formal: ["We are pleased to introduce {product}, now available at {shop}.", "Something new has arrived at {shop}, and we wanted you to see it first."],
      casual: ["It's finally here, and we're so happy to share it with you.", "The wait is over. {product} is here."],
      urgency: ["It's here. Be one of the first to get {product}.", "{product} is out now at {shop}. Take a look today."],
    },
    cta: "product",
  },
  education: {
    subjects: {
      formal: ["Getting to know {product}", "A closer look at {product}", "What makes it special", "The details, explained"],
      casual: ["Let's talk about {product}", "A closer look", "Here's the scoop", "Everything you wanted to know"],
      urgency: ["Take a closer look today", "The details you asked for", "Why you'll want {product}", "A closer look before you decide"],
    },
    previews: ["A closer look at what is new.", "The details, straight from the product page.", "Everything in one place."],
    headlines: {
      formal: ["A closer look", "Getting to know {product}"],
      casual: ["Here's the scoop", "Let's take a closer look"],
      urgency: ["Take a closer look", "Before you decide"],
    },
    intros: {
      formal: ["We would like to tell you a little more about {product}.", "Here is a closer look at what is new at {shop}."],
      casual: ["Curious about {product}? Here's a closer look.", "Here's what you need to know about what's new."],
      urgency: ["Here's everything you need to decide today.", "Take a closer look at {product} before you decide."],
    },
    cta: "product",
  },
  "last-chance": {
    subjects: {
      formal: ["A final reminder from {shop}", "One last note about {product}", "Before we move on", "A last reminder about our news", "Your {offerShort} is valid for {days} days"],
      casual: ["Last reminder, promise", "One more look?", "Don't miss out", "Still on the fence?", "Psst: {offerShort} is still yours"],
      urgency: ["Final reminder", "Last reminder: take a look today", "Don't miss out", "Today's the day to decide", "Use your {offerShort} within {days} days"],
    },
    previews: ["Our last reminder about it.", "In case you missed it.", "One last look before we move on."],
    headlines: {
      formal: ["A final reminder", "One last note"],
      casual: ["Still on the fence?", "One more look?"],
      urgency: ["Final reminder", "Don't miss out"],
    },
    intros: {
      formal: ["This is our final reminder. If you have been considering it, now is a good time to take a look.", "We wanted to remind you one last time, in case you missed our earlier emails."],
      casual: ["This is our last reminder, promise. If you've been meaning to take a look, here's your chance.", "Still deciding? Here's one more look."],
      urgency: ["This is your final reminder. Take a look today so you don't miss out.", "Don't miss out. This is the last reminder we'll send."],
    },
    cta: "product",
  },
  announce: {
    subjects: {
      formal: ["News from {shop}", "Something for you from {shop}", "Now at {shop}: {product}", "{offerShort} at {shop}", "Discover {product}"],
      casual: ["You'll like this", "Something good at {shop}", "Meet {product}", "Here's {offerShort} for you", "Fresh picks at {shop}"],
      urgency: ["Take a look today", "Today at {shop}", "Get {product} today", "{offerShort} starts today", "New at {shop}: take a look"],
    },
    previews: ["Something we think you'll like.", "Take a look at what's new.", "From all of us at {shop}."],
    headlines: {
      formal: ["Something for you", "News from {shop}"],
      casual: ["You'll like this", "Something good"],
      urgency: ["Take a look today", "Today at {shop}"],
    },
    intros: {
      formal: ["We are pleased to share something with you from {shop}.", "We have something we think you will enjoy at {shop}."],
      casual: ["We've got something we think you'll love.", "Here's something good from {shop}."],
      urgency: ["Take a look today. We think you'll like what we've got.", "Here's something worth a look today."],
    },
    cta: "product",
  },
  "campaign-reminder": {
    subjects: {
      formal: ["A reminder from {shop}", "In case you missed it", "A second look at {product}", "Still available at {shop}"],
      casual: ["In case you missed it", "Just a quick reminder", "Take another look?", "Did you see this?"],
      urgency: ["Reminder: take a look today", "Don't miss this", "Still time to take a look", "A quick reminder today"],
    },
    previews: ["In case our last email got lost.", "A quick reminder from {shop}.", "Here it is again."],
    headlines: {
      formal: ["A short reminder", "In case you missed it"],
      casual: ["Just a quick reminder", "Did you see this?"],
      urgency: ["Don't miss this", "A quick reminder"],
    },
    intros: {
      formal: ["In case you missed our last email, here is a short reminder.", "We wanted to make sure you saw our recent news from {shop}."],
      casual: ["Just a quick reminder, in case our last email got lost in your inbox.", "Did you catch our last email? Here it is again."],
      urgency: ["A quick reminder: take a look today so you don't miss out.", "In case you missed it, here it is again. Take a look today."],
    },
    cta: "product",
  },
} satisfies Record<string, AngleTemplates>;
