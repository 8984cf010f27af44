"""Phrase banks: several ways to say each dialogue act, by the customer's tone.

Templates name their slots in braces. Agent templates may only name facts of the world
(`{eta}`, `{order_id}`, ...; see `speech.FACTS`) and a few chat slots (`{ticket}`,
`{given_id}`, `{team}`, `{company}`, `{agent}`); the event log records which facts each
agent message states. A template whose slots are not all known yet (a customer's name
before they are verified) is skipped.
"""

from __future__ import annotations

Bank = tuple[str, ...]
ByTone = dict[str, Bank]

# ---- customer: opening ----------------------------------------------------------------------

GREETING: ByTone = {
    "polite": ("Hi there!", "Hello,", "Hi, hope you're doing well.", "Good morning!", "Hi,",
               "Hello there,", "Hi! I hope you can help."),
    "neutral": ("Hi.", "Hello.", "Hi,", "", "", "Hey,", "Hello,"),
    "frustrated": ("Hi.", "Hey.", "", "", "Okay, so", "Hello,"),
    "angry": ("", "", "Hello??", "Seriously.", "Unbelievable.", ""),
}

CLOSER: ByTone = {
    "polite": ("", "Thanks in advance!", "Thank you so much.", "Could you help me with this?",
               "I'd really appreciate your help.", "Thanks!"),
    "neutral": ("", "", "Can you help?", "Thanks.", "Can you look into it?"),
    "frustrated": ("This is getting really frustrating.", "I've waited long enough.",
                   "Honestly, I'm pretty annoyed.", "Please sort this out.",
                   "Can someone actually help me this time?", ""),
    "angry": ("This is ridiculous.", "Absolutely unacceptable.", "I'm sick of this.",
              "Fix it. Now.", "Worst service I've ever dealt with.", "I want this sorted TODAY."),
}

OPENING: dict[str, dict[str, Bank]] = {
    "track_order": {
        "vague": ("my order never came", "where is my package", "i ordered something and it "
                  "still isnt here", "my stuff hasnt come yet", "when is my order coming"),
        "plain": ("I ordered {item_a} {placed_ago} and it still hasn't arrived.",
                  "Can you tell me where my order is? It's the {item} I bought {placed_ago}.",
                  "I'm still waiting on my {item}. I ordered it {placed_ago}.",
                  "My {item} hasn't shown up yet. Can you check on it?",
                  "I'd like to know when my {item} is going to arrive."),
        "expert": ("I placed an order for {item_a} on {placed_on}. Could you check its "
                   "shipping status?",
                   "Could you give me a status update on my {item} order from {placed_on}?",
                   "My {item} order from {placed_on} hasn't arrived. Can you tell me where "
                   "it is and when to expect it?"),
    },
    "return_item": {
        "vague": ("i want to send something back", "how do i return something",
                  "need to return an item", "i want my money back for something i bought"),
        "plain": ("I'd like to return the {item} I bought.", "I want to return my {item}.",
                  "Can I return the {item} I ordered {placed_ago}?",
                  "I need to send back the {item} from my last order.",
                  "How do I return the {item}? It was delivered {delivered_ago}."),
        "expert": ("I'd like to start a return for the {item} from my order placed on "
                   "{placed_on}. It was delivered on {delivered_on}.",
                   "I want to return the {item} ({item_amount}) that was delivered "
                   "{delivered_ago}. Could you send me a return label?"),
    },
    "refund_status": {
        "vague": ("where is my money", "i sent something back and never got a refund",
                  "still no refund??", "i returned something, when do i get paid back"),
        "plain": ("I returned the {item} a while ago and haven't seen my refund yet.",
                  "Can you check the status of my refund for the {item}?",
                  "I sent back my {item}. When will I get my refund?",
                  "My refund for the {item} still hasn't come through."),
        "expert": ("Your warehouse received my return of the {item} on {received_on}, but "
                   "the refund of {refund_amount} hasn't posted yet. Can you check?",
                   "I'm following up on the refund for my returned {item} ({refund_amount}). "
                   "Tracking shows it was delivered back to you on {received_on}."),
    },
    "change_address": {
        "vague": ("i need to change where my package goes", "wrong address on my order",
                  "can i change my address", "i moved, need my order sent somewhere else"),
        "plain": ("I need to change the shipping address on my order for the {item}.",
                  "I just realized I put my old address on my {item} order. Can I change it?",
                  "Can you update the delivery address for my {item} order?",
                  "I entered the wrong address for the {item} I ordered {placed_ago}."),
        "expert": ("I need to update the shipping address on my {item} order from "
                   "{placed_on}, hopefully before it ships.",
                   "Please change the delivery address on my order from {placed_on} "
                   "({item}). I'll give you the new one."),
    },
    "cancel_order": {
        "vague": ("i want to cancel", "cancel my order please", "i dont want my order anymore",
                  "how do i cancel something"),
        "plain": ("I'd like to cancel my order for the {item}.",
                  "Can I still cancel the {item} I ordered {placed_ago}?",
                  "I changed my mind about the {item}. Can you cancel the order?",
                  "Please cancel my {item} order."),
        "expert": ("Please cancel my order from {placed_on} ({item}, {total}) and refund it "
                   "to my card.",
                   "I need to cancel the {item} order I placed on {placed_on}, ideally before "
                   "it ships."),
    },
    "damaged_item": {
        "vague": ("my stuff came broken", "the thing i ordered is broken",
                  "it arrived all smashed up", "my order came damaged"),
        "plain": ("My {item} arrived damaged: {damage}.",
                  "I just opened the box and {damage}. It's the {item} I ordered.",
                  "The {item} I received arrived damaged. {Damage}.",
                  "My {item} came {delivered_ago} and {damage}."),
        "expert": ("The {item} from my order delivered on {delivered_on} arrived damaged: "
                   "{damage}. I'd like a replacement.",
                   "I received my {item} on {delivered_on} and {damage}. The outer box was "
                   "crushed too, so it probably happened in transit. Can you send a "
                   "replacement?"),
    },
    "wrong_item": {
        "vague": ("you sent me the wrong thing", "this isnt what i ordered",
                  "i think i got someone elses order", "wrong item in my box"),
        "plain": ("I ordered {item_a} but received {wrong_item_a} instead.",
                  "You sent me {wrong_item_a} instead of the {item} I ordered.",
                  "My package came {delivered_ago} with {wrong_item_a} in it. I ordered "
                  "{item_a}.",
                  "Wrong item in my order: I got {wrong_item_a}, not {item_a}."),
        "expert": ("My order delivered on {delivered_on} contained {wrong_item_a} instead of "
                   "the {item} I paid for. I'd like the correct item sent.",
                   "The package from my {placed_on} order had {wrong_item_a} in it rather "
                   "than {item_a}. How do I get the right one?"),
    },
    "account_locked": {
        "vague": ("i cant get into my account", "it says my account is locked??",
                  "cant log in", "my account wont let me in"),
        "plain": ("My account got locked after I tried to log in a few times.",
                  "I'm locked out of my account. It says too many failed attempts.",
                  "I can't log in. It says my account has been locked.",
                  "My account is locked and I need to place an order."),
        "expert": ("My account was locked after several failed sign-ins. I'm sure I'm using "
                   "the right email. Could you unlock it?",
                   "I'm getting an 'account locked' message at sign-in, probably from too "
                   "many password attempts. Can you help me get back in?"),
    },
    "update_payment": {
        "vague": ("need to change my card", "how do i put a new card on",
                  "my card doesnt work anymore", "i need to change how i pay"),
        "plain": ("I need to update the card on my account. My old one is expiring.",
                  "I got a new credit card and want to change the payment method on my "
                  "account.",
                  "Can you help me replace the card on my account with a new one?",
                  "I'd like to switch the card I pay with."),
        "expert": ("The card on my account expires {card_expiry}. I'd like to replace it with "
                   "my new card.",
                   "I need to update my default payment method. My bank is replacing the "
                   "current card."),
    },
    "billing_error": {
        "vague": ("i got charged twice??", "theres a weird charge on my card",
                  "you took too much money from me", "why was i charged 2 times"),
        "plain": ("I was charged twice for my {item} order.",
                  "I see two charges of {charge_amount} on my card for the same order.",
                  "There's a double charge on my card for the {item}.",
                  "My bank statement shows I paid twice for one order."),
        "expert": ("My statement shows two charges of {charge_amount} on {charge_date} for a "
                   "single order. One of them looks like a duplicate.",
                   "I was billed {charge_amount} twice on {charge_date} for my {item} order. "
                   "Please refund the duplicate."),
    },
}

VOLUNTEER_ORDER: Bank = ("My order number is {given_id}.", "Order number: {given_id}.",
                         "It's order {given_id}.", "The order number is {given_id}.",
                         "(order #{given_id})")
VOLUNTEER_ACCOUNT: Bank = ("My email is {given_email} and the card ends in {given_last4}.",
                           "Account email: {given_email}, card ending {given_last4}.",
                           "It's under {given_email}, and the card on file ends in "
                           "{given_last4}.")
CLARIFY_LEAD: ByTone = {
    "polite": ("Sorry, I should have explained.", "Oh, sorry!", "Of course.", "Sure!"),
    "neutral": ("Sorry.", "", "Okay.", "Sure."),
    "frustrated": ("", "Okay.", "Like I said,", "Fine."),
    "angry": ("", "I just told you.", "Ugh.", "Are you even reading?"),
}

# ---- customer: answers ----------------------------------------------------------------------

GIVE_ORDER_ID: ByTone = {
    "polite": ("Sure, it's {given_id}.", "Of course! It's {given_id}.", "Sure thing: {given_id}",
               "Yes, it's {given_id}. Thank you!"),
    "neutral": ("{given_id}", "It's {given_id}.", "Order number {given_id}.",
                "Sure, {given_id}."),
    "frustrated": ("It's {given_id}.", "{given_id}. Please hurry.", "Fine, it's {given_id}.",
                   "{given_id}"),
    "angry": ("{given_id}. Can we speed this up?", "It's {given_id}. Obviously.", "{given_id}",
              "{given_id}. Now fix it."),
}
RETRY_ORDER_ID: ByTone = {
    "polite": ("Oh, sorry about that! It should be {given_id}.",
               "My mistake, let me check again... it's {given_id}.",
               "Sorry, I mistyped it. It's {given_id}.", "Apologies, try {given_id}."),
    "neutral": ("Sorry, typo. It's {given_id}.", "Try {given_id}.", "Oops. {given_id}",
                "Let me check. Okay, it's {given_id}."),
    "frustrated": ("Ugh, sorry. It's {given_id}.", "Try {given_id} then.",
                   "Hang on... {given_id}.", "Okay, {given_id}. That's what the email says."),
    "angry": ("It's {given_id}. I copied it straight from the email.",
              "Try {given_id}. This is taking forever.", "{given_id}. Is that good enough?",
              "Fine. {given_id}."),
}
NO_ORDER_ID: ByTone = {
    "polite": ("I'm sorry, I don't have the order number handy.",
               "Oh, I can't seem to find the confirmation email. Is there another way?",
               "I don't have it with me, unfortunately."),
    "neutral": ("I don't have the order number.", "I can't find it.",
                "Where do I find that?", "Don't have it on me."),
    "frustrated": ("I don't have it. I can't find the email.",
                   "No idea, I deleted the email.", "I don't know where that is."),
    "angry": ("I don't have it. Isn't that your job?", "How would I know? Look it up.",
              "I don't have any order number."),
}
GIVE_CREDENTIALS: ByTone = {
    "polite": ("Sure! It's {given_email}, and the card ends in {given_last4}.",
               "Of course: {given_email}, card ending {given_last4}.",
               "The email is {given_email} and the last four are {given_last4}."),
    "neutral": ("{given_email}, {given_last4}",
                "Email is {given_email}, card ends in {given_last4}.",
                "{given_email} / {given_last4}"),
    "frustrated": ("{given_email}. Card ends {given_last4}.",
                   "It's {given_email} and {given_last4}.",
                   "Fine. {given_email}, {given_last4}."),
    "angry": ("{given_email}, {given_last4}. Hurry up.",
              "{given_email} and the card is {given_last4}. Happy?",
              "{given_email}. {given_last4}."),
}
RETRY_CREDENTIALS: ByTone = {
    "polite": ("Oh, sorry! Maybe it's under {given_email}? The card ends in {given_last4}.",
               "Sorry, let me try again: {given_email}, card ending {given_last4}."),
    "neutral": ("Try {given_email} then. Card ends in {given_last4}.",
                "Hmm, maybe {given_email}? Last four {given_last4}."),
    "frustrated": ("Try {given_email} with {given_last4}.",
                   "Ugh. Then it's probably {given_email}, card {given_last4}."),
    "angry": ("Then try {given_email}, {given_last4}. I don't have all day.",
              "{given_email}. {given_last4}. That's the only other one I have."),
}
CANNOT_VERIFY: ByTone = {
    "polite": ("The email is {given_email}, but I'm afraid I don't remember which card I used.",
               "I can give you my email, {given_email}, but I don't have that card anymore. "
               "I cancelled it."),
    "neutral": ("It's {given_email}, but I don't know the card number. It was an old card.",
                "Email is {given_email}. No idea about the card."),
    "frustrated": ("{given_email}. I don't remember the card, that's part of the problem.",
                   "It's {given_email}, but I don't have that card anymore."),
    "angry": ("{given_email}. I don't know the card, I threw it away. Just unlock it.",
              "{given_email}. How am I supposed to remember an old card number?"),
}
CONFIRM_NAME: ByTone = {
    "polite": ("Sure, it's {name}.", "Of course: {name}.", "It's under {name}."),
    "neutral": ("{name}", "It's {name}.", "{name}."),
    "frustrated": ("{name}. I just want this fixed.", "It's {name}.", "{name}"),
    "angry": ("{name}. Are we done with the questions?",
              "{name}. Seriously, how many checks?", "{name}"),
}
ACK_HOLD: ByTone = {
    "polite": ("Sure, no problem.", "Of course, take your time.", "Thank you, I'll wait.",
               "No rush!"),
    "neutral": ("OK.", "Sure.", "Okay, thanks.", "Alright."),
    "frustrated": ("Okay, but please be quick.", "How long will this take?", "Fine.",
                   "Again? Okay."),
    "angry": ("More waiting. Great.", "Hurry up.", "Seriously? Fine.",
              "I don't have all day."),
}
GIVE_ADDRESS: ByTone = {
    "polite": ("Thank you! Please send it to {new_address}.",
               "Great, the new address is {new_address}.", "It's {new_address}. Thanks so much!"),
    "neutral": ("{new_address}", "New address: {new_address}.",
                "Please ship it to {new_address}."),
    "frustrated": ("{new_address}. And please make sure it actually goes there.",
                   "It's {new_address}."),
    "angry": ("{new_address}. Get it right this time.", "{new_address}."),
}
GIVE_REASON: ByTone = {
    "polite": ("Sure, {reason}.", "Honestly, {reason}.", "Of course. Mostly because {reason}."),
    "neutral": ("{Reason}.", "Because {reason}.", "{Reason}, basically."),
    "frustrated": ("{Reason}. Does it matter?", "{Reason}."),
    "angry": ("{Reason}. Why does it matter?", "Because {reason}. Just process it."),
}

# ---- customer: endings ----------------------------------------------------------------------

REACT: dict[str, ByTone] = {
    "resolved": {
        "polite": ("That's perfect, thank you so much!", "Great, thanks for your help!",
                   "Wonderful, that's all I needed. Thank you!",
                   "Thanks a lot, you've been really helpful.",
                   "That's everything. Thanks again!"),
        "neutral": ("Great, thanks.", "OK, thanks.", "That's all, thanks.",
                    "Perfect, thank you.", "Got it. Thanks."),
        "frustrated": ("Okay. Thanks.", "Fine, thanks. Hopefully that's the end of it.",
                       "Alright, thanks for sorting it out.", "Good. That's all."),
        "angry": ("Fine. It shouldn't have taken this long.", "Whatever. Thanks, I guess.",
                  "Good. Don't let it happen again.", "Finally."),
    },
    "refused": {
        "polite": ("I understand. Thanks for explaining.",
                   "Okay, that makes sense. Thank you anyway.", "Oh well. Thanks for checking."),
        "neutral": ("Okay, I see.", "Alright. Thanks anyway.", "Got it."),
        "frustrated": ("That's disappointing, but okay.", "Great. Okay then.",
                       "Well, that's not what I wanted to hear."),
        "angry": ("That's a ridiculous policy.",
                  "Unbelievable. I'll be shopping somewhere else.", "Useless. Whatever."),
    },
    "escalated": {
        "polite": ("Thank you, I'll wait to hear from them.", "Okay, thanks for your help!",
                   "Great, thank you for escalating it."),
        "neutral": ("OK, thanks.", "Alright, I'll wait.", "Fine, thanks."),
        "frustrated": ("Okay. I hope they actually get back to me.",
                       "Fine. I'll wait, I guess.", "Alright, thanks."),
        "angry": ("They'd better.", "About time.", "Fine. I'm not holding my breath."),
    },
}
THANKS_AFTER_ANSWER: ByTone = {
    "polite": ("Great, thank you!", "That's helpful, thanks so much!", "Perfect, thanks!"),
    "neutral": ("OK, thanks.", "Got it, thanks.", "Thanks."),
    "frustrated": ("Okay.", "Alright, thanks.", "Fine."),
    "angry": ("Fine.", "Whatever.", "Okay."),
}
DEMAND_HUMAN: ByTone = {
    "polite": ("I'm sorry, but this is taking a while. Could I speak with a supervisor?",
               "Is there someone else I could talk to about this, please?",
               "I'd rather talk to a manager, if that's possible."),
    "neutral": ("Can I talk to a supervisor?", "I'd like to speak to someone else, please.",
                "Can you just pass me to a manager?"),
    "frustrated": ("This is going nowhere. Can I speak to a supervisor?",
                   "I've been at this way too long. Please get me a manager.",
                   "I want to talk to someone who can actually fix this."),
    "angry": ("Enough. Get me a manager NOW.", "I want to speak to a supervisor. Right now.",
              "This is a joke. Put me through to a real person."),
}
LEAVE: ByTone = {
    "polite": ("Sorry, I have to go. I'll try again later.",
               "I'm out of time for today, I'll reach out another time. Thanks.",
               "Never mind, I'll try to sort it out later. Thanks anyway."),
    "neutral": ("Never mind, I'll deal with it later.", "Forget it, I'll try again another time.",
                "I have to go. Bye."),
    "frustrated": ("Forget it. I don't have time for this.",
                   "Never mind. I'll figure it out myself.", "This is taking too long. Bye."),
    "angry": ("Forget it. I'm done.", "Waste of time. Bye.", "Unbelievable. I'm leaving."),
}

# ---- follow-up questions and their answers, by topic ----------------------------------------

TOPICS: dict[str, tuple[str, ...]] = {
    "report_processing": ("ships_sooner", "delivery_time"),
    "report_in_transit": ("signature",),
    "report_out_for_delivery": ("signature",),
    "start_return": ("original_box", "refund_timing_return"),
    "refund_issued": ("not_showing",),
    "refund_pending": ("speed_up", "same_card"),
    "address_changed": ("anything_to_do",),
    "cancelled": ("confirmation",),
    "replace_damaged": ("replacement_tracking",),
    "replace_wrong": ("send_back_wrong",),
    "unlock": ("lock_again",),
    "secure_link": ("link_safe",),
    "refund_duplicate": ("same_card",),
    "authorization_hold": ("why_hold",),
    "return_window": ("exception_warranty",),
    "cancel_after_shipping": ("exception_return",),
    "address_after_shipping": ("exception_carrier",),
}
ESCALATION_TOPICS = ("escalation_timing", "escalation_timing", "escalation_wait")

QUESTION: dict[str, Bank] = {
    "ships_sooner": ("Any chance it could ship sooner?", "Can you speed that up at all?"),
    "delivery_time": ("How long does delivery take once it ships?",
                      "And how long is shipping after that?"),
    "not_showing": ("Then why isn't it showing on my card yet?",
                    "So why can't I see it on my statement?"),
    "speed_up": ("Can you speed it up?", "Is there any way to get it faster?"),
    "signature": ("Do I need to be home to sign for it?",
                  "Will someone need to sign for the package?"),
    "original_box": ("Do I need the original box?",
                     "Does it have to go back in the original packaging?"),
    "refund_timing_return": ("How long does the refund take once you get it?",
                             "When will I get my money back?"),
    "same_card": ("Will it go back to the same card?", "Is it going to the card I paid with?"),
    "anything_to_do": ("Do I need to do anything else?",
                       "Is there anything I need to do on my end?"),
    "confirmation": ("Will I get an email confirming the cancellation?",
                     "Do I get some kind of confirmation?"),
    "replacement_tracking": ("Will I get tracking for the replacement?",
                             "How will I know when the new one ships?"),
    "send_back_wrong": ("How do I send the wrong one back?",
                        "What do I do with the {wrong_item}?"),
    "lock_again": ("How do I stop this from happening again?",
                   "What if it locks me out again?"),
    "link_safe": ("Is that link safe to use?", "How do I know the email is really from you?"),
    "why_hold": ("Why put a hold on my card at all?", "Why did my bank show two charges then?"),
    "exception_warranty": ("Is there really nothing you can do?",
                           "Can't you make an exception just this once?"),
    "exception_return": ("So what can I do?", "Is there any other option?"),
    "exception_carrier": ("So what can I do?",
                          "Is there any way to get it to the new address?"),
    "escalation_timing": ("How long will that take?", "When will I hear back?",
                          "Will someone actually contact me?"),
    "escalation_wait": ("Is there anything I need to do in the meantime?",
                        "Do I need to do anything else?"),
}
ANSWER: dict[str, Bank] = {
    "ships_sooner": ("I'm afraid I can't rush the warehouse, but it will ship by {ship_by} "
                     "at the latest, and the tracking number goes to {email} as soon as it "
                     "does.",
                     "Unfortunately not, but it's on schedule to ship by {ship_by}. You'll get "
                     "an email at {email} the moment it leaves."),
    "delivery_time": ("Usually 2–5 business days after it ships, depending on the carrier. "
                      "You'll be able to follow it with the tracking number we email you.",),
    "not_showing": ("Banks usually take 3–5 business days to post a refund. If it's still "
                    "not there after that, your bank can trace it with the date it was "
                    "issued, {refund_issued_on}.",
                    "It can take your bank a few business days to post it after we send it. "
                    "It went out on {refund_issued_on}, so it should appear soon."),
    "speed_up": ("I'm afraid I can't speed it up, but it will be issued by {refund_due_by} at "
                 "the latest, and you'll get an email when it is.",),
    "signature": ("{signature_answer}",),
    "original_box": ("No, any sturdy box works. Just make sure the label is clearly visible.",
                     "Not at all. Any box that protects it is fine."),
    "refund_timing_return": ("Refunds are issued within {sla} days of the return reaching our "
                             "warehouse, and your bank may take a few more days to show it.",),
    "same_card": ("Yes, it goes back to the card ending in {last4}.",
                  "It does: the card ending in {last4}, the one you paid with."),
    "anything_to_do": ("No, you're all set. The shipping confirmation will show the new "
                       "address.",
                       "Nothing at all. The tracking email will go to {email} once it ships."),
    "confirmation": ("Yes, a cancellation confirmation is on its way to {email}.",
                     "You will. Look for an email at {email} in the next few minutes."),
    "replacement_tracking": ("Yes, we'll email the tracking number to {email} as soon as it "
                             "ships.",
                             "You'll get a shipping email at {email} with the tracking "
                             "number."),
    "send_back_wrong": ("Just pack it up, print the prepaid label from the email I sent to "
                        "{email}, and drop it off at any carrier location.",
                        "Use the prepaid label in your inbox at {email}. There's no cost to "
                        "you."),
    "lock_again": ("Setting a new password with the reset link should do it. If you're ever "
                   "unsure of your password, use 'Forgot password' instead of retrying, since "
                   "repeated failed attempts lock the account.",),
    "link_safe": ("Yes. It comes from {company}, and it opens a secure page on our website. "
                  "We'll never ask for your full card number by email or chat.",),
    "why_hold": ("It's standard: when an order is placed, your bank sets the amount aside to "
                 "confirm the card is valid. Once the real charge goes through, the hold is "
                 "released, usually within 3–5 business days.",),
    "exception_warranty": ("I'm sorry, I can't override the return window. The {item} may "
                           "still be covered by the manufacturer's warranty, though, so it's "
                           "worth checking with them.",),
    "exception_return": ("Once the {item} arrives, you can return it within {window} days of "
                         "delivery for a full refund.",),
    "exception_carrier": ("Your best option is to contact {carrier} with tracking number "
                          "{tracking}. They can often hold the package or reroute it.",),
    "escalation_wait": ("Nothing for now. They have all the details from this chat. If you "
                        "write in again, just mention ticket {ticket}.",
                        "No, you're all set. They'll reach out to you; your ticket number is "
                        "{ticket} in case you need it."),
    "escalation_timing": ("The team usually replies within {hours} hours. Your ticket number "
                          "is {ticket} if you need to follow up.",
                          "You'll hear from them within {hours} hours. If you reach out "
                          "again, mention ticket {ticket} so nobody asks you to start over."),
}
SIGNATURE = {
    True: "Yes, this one needs a signature on delivery, so someone will need to be home. If "
          "you miss it, {carrier} will leave a notice and try again.",
    False: "No signature is needed. {carrier} will leave it at your door.",
}

# ---- agent ----------------------------------------------------------------------------------

GREET: Bank = ("Hi there, thanks for contacting {company} support!",
               "Hello! Thanks for reaching out to {company}.",
               "Hi! Thanks for getting in touch with {company}.",
               "Hi, you've reached {company} support.",
               "Hello, and thanks for contacting {company}!")
GREET_NAMED: Bank = ("Hi, this is {agent} from {company} support.",
                     "Hello! My name is {agent}, and I'll be helping you today.",
                     "Hi there, {agent} here from {company}.",
                     "Thanks for reaching out to {company}! I'm {agent}.")
EMPATHY: Bank = ("I'm really sorry for the trouble.",
                 "I'm sorry about this, and I understand how frustrating it is.",
                 "I completely understand your frustration, and I'm sorry.",
                 "I'm sorry you've had to deal with this.",
                 "I hear you, and I'm sorry about all this.")
HELP: Bank = ("I'd be happy to help with that.", "I can help with that.", "Happy to help!",
              "Sure, I can help you with that.", "", "")
ACK: dict[str, Bank] = {
    "track_order": ("Let's find out where your order is.", "I'll check on your order's status.",
                    "I'll look up where your package is."),
    "return_item": ("Let's get that return sorted out.", "Let's get that return started.",
                    "I'll take a look at your return options."),
    "refund_status": ("Let me check on that refund for you.",
                      "I'll look into where your refund is.",
                      "Let's see what's happening with your refund."),
    "change_address": ("Let's see if we can update the address.",
                       "I'll check whether the address can still be changed."),
    "cancel_order": ("I'll check whether the order can still be cancelled.",
                     "Let's see if we can cancel it."),
    "damaged_item": ("I'm so sorry it arrived damaged.",
                     "That's not how it should have arrived, I'm sorry!",
                     "I'm sorry to hear it arrived damaged."),
    "wrong_item": ("I'm sorry we sent the wrong item.", "Sorry about the mix-up! Let's fix it.",
                   "That's definitely not what you ordered. I'm sorry!"),
    "account_locked": ("Let's get you back into your account.",
                       "Let's get your account unlocked."),
    "update_payment": ("Let's get your payment method updated.",
                       "Let's get your new card set up."),
    "billing_error": ("I'll look into those charges for you.",
                      "Let me check your billing for that order.",
                      "I'm sorry for the confusion. Let me check those charges."),
}
ASK_CLARIFY: Bank = ("Could you tell me a bit more about what's going on?",
                     "I want to make sure I understand. Could you describe the problem in a "
                     "bit more detail?",
                     "Can you give me a few more details about the issue?",
                     "Could you tell me a little more about what happened?")
ASK_ORDER_ID: Bank = ("Could you share your order number? You'll find it in your "
                      "confirmation email.",
                      "Can you give me the order number so I can pull it up?",
                      "What's the order number?",
                      "To get started, could I have your order number?")
ASK_CREDENTIALS: Bank = ("To verify your identity, could you give me the email on your "
                         "account and the last 4 digits of the card on file?",
                         "First I'll need to verify the account. What's the email address on "
                         "it, and the last 4 digits of the card you have saved?",
                         "For security, could you confirm the account email and the last four "
                         "digits of your saved card?")
ASK_ALT: Bank = ("No problem! I can look it up with the email address on the order and the "
                 "last 4 digits of the card you paid with.",
                 "That's okay. Could you give me the email you ordered with and the last 4 "
                 "digits of the card instead?",
                 "No worries. What's the email on your account, and the last four digits of "
                 "the card you used?")
NOT_FOUND: Bank = ("I'm not finding an order with the number {given_id}. Could you "
                   "double-check it?",
                   "Hmm, {given_id} doesn't match any order on our side. Could you check the "
                   "number in your confirmation email?",
                   "I couldn't find order {given_id}. Could there be a typo?",
                   "Sorry, I don't see an order numbered {given_id}. Could you check it again?")
MISMATCH: Bank = ("I'm not finding an account that matches {given_email} with a card ending "
                  "in {given_last4}. Could you double-check those?",
                  "Hmm, those details don't match what I have on file. Could you check the "
                  "email address and the last 4 digits again?",
                  "I couldn't match {given_email} and a card ending in {given_last4} to an "
                  "account. Might it be under a different email?")
VERIFIED_ORDER: Bank = ("Thanks, {first}! I've found your order from {placed_on}.",
                        "Thank you, {first}. I have order {order_id} in front of me.",
                        "Got it, thanks {first}. I see your order from {placed_on}.",
                        "Thanks! I found it, {first}.")
VERIFIED_GIVEN: Bank = ("I've pulled up your order from {placed_on}, {first}.",
                        "I found your order, {first}.",
                        "I have order {order_id} right here, {first}.",
                        "Thanks for including the order number, {first}. I've found it.")
VERIFIED_PENDING: Bank = ("Thanks, I've found it.", "Got it, I see the order from {placed_on}.",
                          "Thanks, I have it here.")
VERIFIED_ACCOUNT: Bank = ("Thanks, {first}, you're verified.",
                          "Thank you, {first}. That matches what we have on file.",
                          "Thanks {first}, that all checks out.")
ASK_NAME: Bank = ("One more step for security: could you confirm the full name on the "
                  "account?",
                  "Before I go on, could you please confirm the full name the account is "
                  "under?",
                  "For security, I also need the full name on the account.")
NAME_OK: Bank = ("Thank you, {first}, that matches.", "Perfect, thanks {first}.",
                 "Thanks for confirming, {first}.")
HOLD: Bank = ("Let me check with our {team} team. One moment, please.",
              "Give me a minute to look into this with our {team} team.",
              "I need to check something with the {team} team. Could you hold on for a "
              "moment?",
              "Bear with me while I confirm a detail with our {team} team.")
BACK: Bank = ("Thanks for waiting!", "Thanks for your patience.", "Sorry for the wait.",
              "Okay, I'm back. Thanks for holding.")
ASK_INPUT: dict[str, Bank] = {
    "address_changed": ("Good news: it hasn't shipped yet, so I can still change it. What's "
                        "the new address?",
                        "The order is still being prepared, so there's time to update it. "
                        "What address should it go to?",
                        "It hasn't left the warehouse yet. Please send me the full new "
                        "address."),
    "return": ("It was delivered on {delivered_on}, so you're within our {window}-day return "
               "window. Could you tell me why you're returning the {item}?",
               "Good news, you're within the {window}-day return window. May I ask the "
               "reason for the return?",
               "The {item} is eligible for return. Before I set it up, what's the reason for "
               "sending it back?"),
}
INPUT_OK: Bank = ("Thanks for letting me know.", "Got it, thanks.", "Understood.",
                  "Thanks, I've noted that.")
ANYTHING_ELSE: Bank = ("Can I help with anything else?",
                       "Anything else I can do for you today?",
                       "Is there anything else you need?")
GOODBYE: dict[str, Bank] = {
    "resolved": ("You're welcome, {first}! Have a great day.", "Happy to help! Take care.",
                 "Glad we got that sorted. Have a good one!",
                 "You're very welcome. Have a wonderful day!",
                 "My pleasure, {first}. Enjoy the rest of your day!"),
    "refused": ("Thanks for understanding, {first}. Have a good day.",
                "I'm sorry I couldn't do more this time. Take care!",
                "Thank you for your patience. Have a good day."),
    "escalated": ("Thanks for your patience. The team will be in touch soon.",
                  "You're welcome. Take care, and sorry again for the trouble.",
                  "Thanks for bearing with us. Have a good day."),
}
GOODBYE_SORRY: Bank = ("I understand, and I'm sorry again for the trouble. Take care.",
                       "I'm sorry this wasn't a smoother experience. Have a good day.",
                       "Again, I apologize for the hassle. Take care, {first}.")
FAREWELL: Bank = ("I understand. I'm sorry we couldn't sort this out today. If you reply to "
                  "this chat later, we'll pick up where we left off.",
                  "I'm sorry for the trouble. Whenever you're ready, just message us and "
                  "we'll continue from here.",
                  "Understood, and I apologize for the wait. We're here whenever you'd like "
                  "to come back to it.")

# ---- agent: outcomes, by rule (rule:issue where an issue needs its own words) --------------

OUTCOME: dict[str, Bank] = {
    "report_processing": (
        "Your order for the {item} is still being packed at our warehouse and hasn't shipped "
        "yet. It's scheduled to ship by {ship_by}, and you'll get a tracking email as soon "
        "as it does.",
        "It hasn't left our warehouse yet, but it's on track to ship by {ship_by}. We'll email "
        "you the tracking number as soon as it does.",
        "Nothing's wrong with the order: it's still processing and should ship by {ship_by}."),
    "report_in_transit": (
        "Your {item} shipped on {shipped_on} with {carrier} and is in transit. The tracking "
        "number is {tracking}, and it's expected to arrive by {eta}.",
        "It's on its way! {carrier} picked it up on {shipped_on}, and the last scan was in "
        "{last_scan_city} on {last_scan_on}. Estimated delivery is {eta}, and you can follow "
        "it with tracking number {tracking}.",
        "I checked the tracking: the package is in transit with {carrier} (tracking "
        "{tracking}) and is due to arrive by {eta}."),
    "report_out_for_delivery": (
        "Good news: your package is out for delivery with {carrier} today, {eta}. The "
        "tracking number is {tracking} if you'd like to follow it.",
        "It's already out for delivery! {carrier} has it on the truck, so you should have it "
        "by the end of today, {eta}. Tracking: {tracking}."),
    "start_return": (
        "All set. I've started the return for the {item}, and a prepaid return label is on "
        "its way to {email}. Once we receive it, your refund of {item_amount} goes back to "
        "your card ending in {last4}.",
        "Done! The return is approved. Check {email} for the return label; you'll get "
        "{item_amount} back once the {item} arrives at our warehouse.",
        "I've set up the return. The label has been emailed to {email}, and the refund of "
        "{item_amount} will go to your card ending in {last4} once the {item} is back with "
        "us."),
    "refund_issued": (
        "Your return of the {item} arrived on {received_on}, and the refund of "
        "{refund_amount} was issued on {refund_issued_on} to your card ending in {last4}. "
        "Banks usually take 3–5 business days to show it.",
        "Your refund has already gone out: {refund_amount} was sent back to the card ending "
        "in {last4} on {refund_issued_on}. If it isn't on your statement within 5 business "
        "days, your bank can trace it with that date."),
    "refund_pending": (
        "We received your return on {received_on}, and the refund of {refund_amount} is "
        "being processed. It'll be issued by {refund_due_by}.",
        "Your {item} arrived back at our warehouse on {received_on}. Refunds go out within "
        "{sla} days of receipt, so you'll see {refund_amount} on your card ending in {last4} "
        "by {refund_due_by}."),
    "address_changed": (
        "Done. I've updated the shipping address to {new_address}. The order is still set to "
        "ship by {ship_by}.",
        "All updated! Your {item} will now ship to {new_address}, and it's still on schedule "
        "to leave our warehouse by {ship_by}."),
    "cancelled": (
        "Your order for the {item} is cancelled. A refund of {total} is on its way to your "
        "card ending in {last4}, and you'll get a confirmation email shortly.",
        "Done. Since it hadn't shipped yet, I was able to cancel it. You'll see the {total} "
        "refund on your card ending in {last4} within 3–5 business days."),
    "replace_damaged": (
        "I've sent you a free replacement for the {item}. It should arrive by "
        "{replacement_eta}, and there's no need to send the damaged one back.",
        "I've arranged a replacement at no cost. It ships today and should be with you by "
        "{replacement_eta}.",
        "A new {item} is on its way to you at no charge, arriving by {replacement_eta}. You "
        "don't need to return the damaged one."),
    "replace_wrong": (
        "I've shipped the {item} you ordered, arriving by {replacement_eta}, and emailed a "
        "prepaid label to {email} for returning the {wrong_item}.",
        "That's our mistake. The correct {item} is on its way and should arrive by "
        "{replacement_eta}. For the {wrong_item}, just use the return label I've sent to "
        "{email}."),
    "unlock": (
        "I've unlocked your account and sent a password reset link to {email}. The link is "
        "valid for 24 hours.",
        "Your account is unlocked. I'd recommend resetting your password, so I've emailed a "
        "reset link to {email}."),
    "secure_link": (
        "For your security we can't take card numbers over chat, so I've sent a secure link "
        "to {email}. Add your new card there and it becomes the default for future orders, "
        "replacing the card ending in {last4}.",
        "I've emailed a secure payment link to {email}. Once you add the new card there, it "
        "replaces the card ending in {last4}. Please don't share the full card number here."),
    "refund_duplicate": (
        "You're right: I can see two charges of {charge_amount} on {charge_date} for the same "
        "order. I've refunded the duplicate, and it should be back on your card ending in "
        "{last4} within 3–5 business days.",
        "I found the duplicate charge of {charge_amount} from {charge_date} and reversed it. "
        "You'll see the refund on your card ending in {last4} in 3–5 business days."),
    "authorization_hold": (
        "I checked your billing: you were only charged once, {total} on {placed_on}. The "
        "second {charge_amount} is a temporary authorization hold from when the order was "
        "placed, and it'll drop off your statement within 3–5 business days.",
        "Only one of those is a real charge. The other {charge_amount} is a pending "
        "authorization your bank will release in a few business days, so you won't be "
        "charged twice."),
    # refusals
    "return_window": (
        "I'm sorry, but I'm not able to accept this return. The {item} was delivered on "
        "{delivered_on}, which is {days_since_delivery} days ago, and our return window is "
        "{window} days from delivery.",
        "Unfortunately this one is outside our return policy: returns are accepted within "
        "{window} days of delivery, and your {item} arrived on {delivered_on} "
        "({days_since_delivery} days ago). I'm sorry I can't make an exception."),
    "cancel_after_shipping": (
        "I'm sorry, the order has already shipped. It left our warehouse on {shipped_on} with "
        "{carrier}, so I can't cancel it anymore. Once it arrives, you can return it within "
        "{window} days for a full refund.",
        "Unfortunately it's too late to cancel: the {item} shipped on {shipped_on} (tracking "
        "{tracking}). When it arrives, you can send it back within {window} days of "
        "delivery and we'll refund you."),
    "address_after_shipping": (
        "I'm sorry, I can't change the address now. The order shipped on {shipped_on} with "
        "{carrier}, and you may be able to redirect it with them using tracking number "
        "{tracking}.",
        "Unfortunately the package is already on its way (shipped {shipped_on}, {carrier} "
        "tracking {tracking}), so we can't update the address on our end."),
    # escalations
    "lost_parcel": (
        "It shipped on {shipped_on} with {carrier} (tracking {tracking}), but the last scan "
        "was in {last_scan_city} on {last_scan_on}, and it hasn't moved in {days_since_scan} "
        "days. That counts as lost in transit, so I've escalated it to our shipping team to "
        "open a trace. Your ticket number is {ticket}, and they'll contact you within {hours} "
        "hours.",
        "I'm sorry, it looks like the package is stuck: {carrier} last scanned it in "
        "{last_scan_city} on {last_scan_on}, {days_since_scan} days ago. I've escalated this "
        "to our shipping team (ticket {ticket}), and they'll get back to you within {hours} "
        "hours with a solution."),
    "refund_limit:return_item": (
        "Since this refund would be {item_amount}, which is above what I can approve on my "
        "own ({limit}), I've escalated the return to a supervisor. Your ticket number is "
        "{ticket}, and they'll get back to you within {hours} hours.",
        "Returns over {limit} need a supervisor's approval, and this one is {item_amount}, so "
        "I've passed it on (ticket {ticket}). You'll hear back within {hours} hours."),
    "refund_limit:cancel_order": (
        "The order hasn't shipped, so it can be cancelled, but the refund would be {total}, "
        "and anything over {limit} needs a supervisor's approval. I've escalated it (ticket "
        "{ticket}), and they'll confirm within {hours} hours.",
        "It hasn't shipped yet. Because the refund of {total} is above {limit}, a supervisor "
        "has to approve the cancellation; I've escalated it as ticket {ticket}, and you'll "
        "hear back within {hours} hours."),
    "refund_limit:billing_error": (
        "I can see two charges of {charge_amount} on {charge_date}. A refund of that size "
        "needs a supervisor's approval, so I've escalated it (ticket {ticket}). You'll hear "
        "back within {hours} hours.",
        "You're right, there's a duplicate charge of {charge_amount}. Refunds over {limit} "
        "have to be approved by a supervisor, so I've escalated it as ticket {ticket}; "
        "expect an answer within {hours} hours."),
    "refund_overdue": (
        "Your return arrived on {received_on}, and refunds should be issued within {sla} "
        "days. It's been {days_since_received} days, so something is holding it up. I've "
        "escalated it to our billing team (ticket {ticket}), and they'll follow up within "
        "{hours} hours.",
        "I'm sorry, this refund is overdue: we received the {item} on {received_on}, "
        "{days_since_received} days ago. I've escalated it to billing as ticket {ticket}, "
        "and they'll contact you within {hours} hours."),
    "out_of_stock": (
        "I wanted to send a replacement, but the {item} is out of stock right now. I've "
        "escalated this to a specialist who can offer an alternative or a refund. Your ticket "
        "number is {ticket}, and they'll contact you within {hours} hours.",
        "Unfortunately we're out of stock on the {item}, so I can't send a replacement "
        "today. I've escalated your case (ticket {ticket}), and a specialist will reach out "
        "within {hours} hours with options."),
    "identity_unverified": (
        "I'm sorry. Since I couldn't verify that it's you, I can't make changes to the "
        "account. I've escalated this to our account security team (ticket {ticket}); "
        "they'll contact you at the email on file within {hours} hours to verify you another "
        "way.",
        "Without both details I'm not able to verify the account, so I've passed this to our "
        "security team as ticket {ticket}. They'll reach out within {hours} hours."),
    "customer_request": (
        "I understand, and I'm sorry this has been frustrating. I've escalated your case to a "
        "supervisor. Your ticket number is {ticket}, and they'll contact you within {hours} "
        "hours.",
        "Of course. I've passed your case to a senior specialist with everything we've "
        "covered so far. Your ticket number is {ticket}; expect to hear back within {hours} "
        "hours.",
        "I'm sorry it's taken this long. I've escalated this to my supervisor (ticket "
        "{ticket}), and they'll reach out within {hours} hours."),
}
TEAMS = {"track_order": "shipping", "return_item": "returns", "refund_status": "billing",
         "change_address": "fulfillment", "cancel_order": "fulfillment",
         "damaged_item": "warehouse", "wrong_item": "warehouse", "account_locked": "security",
         "update_payment": "billing", "billing_error": "billing"}
