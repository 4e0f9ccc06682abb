//! Synthetic benchmark data for tunelint: customer-support chats in OpenAI chat format.
//!
//! ```text
//! cargo run --release --example gen_dataset -- --examples N [--seed S] [--defects PCT]
//!     [--dedup-safe] [--labels LABELS.tsv] [-o FILE]
//! ```
//!
//! Standard library only, deterministic for a given seed. Every example line is either a
//! valid OpenAI chat fine-tuning example or carries exactly one deliberate defect (about
//! `--defects` percent of the examples); `--labels` writes which line has which defect.
//! `--dedup-safe` leaves out the defects that the lesson's `deduplicate()` cannot load
//! (malformed JSON, blank lines, missing content, content parts in the first user message).

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufWriter, Write};
use std::time::Instant;

// ------------------------------------------------------------------------------ PRNG ---

/// splitmix64: tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B);
        r.next_u64();
        r
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n < 2^32).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    /// Inclusive range.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }
    /// Index drawn with the given relative weights.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
    /// k distinct indices of 0..n, in random order.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx
    }
}

// ------------------------------------------------------------------------- word lists ---

const NAMES: &[&str] = &[
    "José",
    "Zoë",
    "Priya",
    "Mateusz",
    "Aiko",
    "Lars",
    "Fatima",
    "Chen",
    "Björn",
    "Amélie",
    "Oluwaseun",
    "Siobhán",
    "Ngozi",
    "Dmitri",
    "Camila",
    "Jürgen",
    "Noor",
    "Tomás",
    "Hannah",
    "Kenji",
    "Leilani",
    "Raúl",
    "Ingrid",
    "Mohammed",
    "Grace",
    "Élodie",
    "Wei",
    "Sergei",
    "Ana",
    "Kwame",
    "Sofia",
    "Liam",
    "Mei",
    "Arjun",
    "Olga",
    "Pedro",
    "Yuki",
    "Emma",
    "Hamid",
    "Chloé",
];
const EMAILS: &[&str] = &[
    "j.martin@example.com",
    "priya.k@example.org",
    "lars.nilsson@example.net",
    "amelie.dubois@example.com",
    "kenji.t@example.org",
    "grace.o@example.com",
    "m.kowalski@example.net",
    "noor.h@example.com",
    "sofia.r@example.org",
    "chen.wei@example.com",
];
const CITIES: &[&str] = &[
    "Lyon",
    "München",
    "São Paulo",
    "Kraków",
    "Malmö",
    "Zürich",
    "Toronto",
    "Austin",
    "Dublin",
    "Osaka",
    "Reykjavík",
    "Montréal",
    "Leeds",
    "Porto",
    "Denver",
    "Gdańsk",
    "Córdoba",
    "Seattle",
    "Bergen",
    "Graz",
    "Utrecht",
    "Brno",
    "Valencia",
    "Tampere",
    "Ghent",
    "Bristol",
    "Turin",
];
const CARRIERS: &[&str] = &[
    "DHL",
    "UPS",
    "FedEx",
    "La Poste",
    "DPD",
    "Royal Mail",
    "PostNord",
    "GLS",
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EMOJI: &[&str] = &["🙂", "🙏", "😅", "👍", "📦", "😞", "🎉", "🤞", "😊"];
const LANGUAGES: &[&str] = &[
    "Python", "Node.js", "Go", "Java", "Ruby", "PHP", "Rust", "C#", "Kotlin",
];
const PLATFORMS: &[&str] = &[
    "Kubernetes",
    "AWS Lambda",
    "Heroku",
    "a small VPS",
    "Cloud Run",
    "Fly.io",
    "Nomad",
];
const BUCKETS: &[&str] = &[
    "invoices-prod",
    "user-uploads",
    "media-eu",
    "backups-2024",
    "static-assets",
    "exports-tmp",
];
const FILLERS: &[&str] = &[
    "really", "actually", "just", "still", "please", "now", "honestly", "also",
];

// ------------------------------------------------------------------------------ topics ---

/// Sentence pools for one kind of support request. Templates use `{slot}` and
/// `{alternative one|alternative two|}` (one alternative picked, may be empty).
struct Topic {
    contexts: &'static [&'static str],
    problems: &'static [&'static str],
    questions: &'static [&'static str],
    explains: &'static [&'static str],
    steps: &'static [&'static str],
    followups: &'static [&'static str],
    answers: &'static [&'static str],
    code: bool,
}

const SHIPPING: Topic = Topic {
    contexts: &[
        "I {ordered|bought|purchased} {a_product} on {weekday} and {paid for express shipping|chose standard delivery|picked the free shipping option}.",
        "My order {order} was supposed to arrive {days} days ago.",
        "I placed order {order} from {city} {last week|about two weeks ago|on the {day}th|right after the sale started}.",
        "I’m waiting for {a_product} I ordered as a {birthday|anniversary|housewarming|graduation} gift.",
        "Order {order} shows as shipped with {carrier}, tracking number {tracking}.",
        "We {ordered|got} {a_product} for our {office|new flat|parents|summer house} {n} weeks ago.",
    ],
    problems: &[
        "The tracking page hasn’t updated since {weekday} and just says “{label created|in transit|arrived at sorting facility|held at customs}”.",
        "{carrier} says the parcel was delivered, but nothing arrived at my door and my neighbours haven’t seen it either.",
        "The estimated delivery date keeps moving and now it says {month} {day}.",
        "I moved to a new address in {city} and I’m not sure the order will reach me.",
        "Only part of the order arrived — the {product} is missing from the box.",
        "The courier left a note saying they’ll try again, but I’m at work {every day this week|until {weekday}|most evenings}.",
        "It’s been stuck in {customs|the {city} depot|a sorting centre} for {days} days now.",
    ],
    questions: &[
        "Can you tell me where my package actually is?",
        "Could you check what’s going on and whether it can still arrive before {weekday}?",
        "What are my options if it doesn’t show up this week?",
        "Is it possible to change the delivery address at this point?",
        "Should I wait a bit longer or can you send a replacement?",
        "Is there a way to pick it up myself instead?",
    ],
    explains: &[
        "I’ve checked order {order} and it’s currently with {carrier}. Parcels sometimes go {n} days without a tracking update while they move between hubs, especially {around public holidays|at the start of the week|on cross-border routes}.",
        "When a carrier marks a parcel as delivered but it hasn’t arrived, it usually turns up within {n} business days — it’s often left with a neighbour, at a pickup point or in a safe place.",
        "Delivery estimates are calculated when the label is created, so a delay at the sorting centre can push the date back by a day or two.",
        "Address changes are possible until the parcel is handed over to the carrier; after that, {carrier} can usually redirect it for you.",
        "Customs checks on parcels shipped from our EU warehouse to {city} normally take {n}–{n2} days, and tracking doesn’t update while the parcel is being inspected.",
    ],
    steps: &[
        "Open the tracking link in your confirmation email and check the latest scan.",
        "Look around the delivery area and ask your neighbours whether they accepted a parcel for you.",
        "Check your mailbox for a {carrier} card — they sometimes leave parcels at a pickup point in {city}.",
        "Wait until the end of {weekday}; most parcels marked as delivered show up by then.",
        "Go to **Orders → {order} → Manage delivery** in the {app} and choose **Change address**.",
        "Make sure the name on the doorbell matches the name on the order.",
        "Sign up for {carrier} delivery notifications with tracking number {tracking}.",
        "Choose **Deliver to a pickup point** if nobody can be home during the day.",
    ],
    followups: &[
        "And if it doesn’t arrive by then, will I get a refund or a replacement?",
        "I checked with the neighbours and nobody has it. What happens now?",
        "Can I pick it up myself from the depot in {city} instead?",
        "How long do you usually wait before opening an investigation with {carrier}?",
        "Will I be charged again for the shipping if you send a replacement?",
    ],
    answers: &[
        "If the parcel hasn’t arrived by {weekday}, you can choose either a full refund of {amount} or a free replacement — whichever you prefer. Just reply here and I’ll set it up right away.",
        "In that case I’ll open a trace with {carrier} now. They usually respond within {n} business days, and if the parcel can’t be found we’ll send a replacement at no cost.",
        "Yes — {carrier} holds parcels at the {city} depot for {n} days. Bring a photo ID and the tracking number {tracking}, and they’ll hand it over.",
        "We open an investigation as soon as a parcel has had no update for {n} business days, so your order already qualifies. You won’t pay shipping again for a replacement.",
    ],
    code: false,
};

const BILLING: Topic = Topic {
    contexts: &[
        "I {checked|went through} my {bank statement|credit card statement|account} {this morning|last night|today}.",
        "I’m on the {plan} plan and pay {monthly|yearly}.",
        "I {returned|cancelled} an order {n} weeks ago.",
        "My partner and I share one {company} account and we both noticed something odd.",
        "I {switched|updated} my payment card {last month|recently|a few days ago}.",
    ],
    problems: &[
        "I was charged {amount} twice for the same order ({order}).",
        "The refund of {amount} still hasn’t shown up on my card.",
        "My last invoice is {amount} higher than usual and I don’t understand why.",
        "There’s a charge from {company} for {amount} that I don’t recognise.",
        "My payment keeps getting declined even though the card works everywhere else.",
        "The invoice shows my old address in {city}, which my employer won’t accept for reimbursement.",
    ],
    questions: &[
        "Can you explain what this charge is for?",
        "When will I get my money back?",
        "Could you refund the duplicate charge?",
        "Can you check whether my payment method is set up correctly?",
        "Can I get a corrected invoice?",
    ],
    explains: &[
        "I can see two authorisations of {amount} on order {order}. The second one is a temporary hold from when the payment was retried, and it will drop off automatically within {n} business days — you were only charged once.",
        "Refunds are issued as soon as the return is checked in, but banks usually take 5–10 business days to show them on your statement.",
        "Your invoice went up because the introductory discount on the {plan} plan ended after {n} months.",
        "Declined payments are often caused by 3-D Secure checks; your bank may need to approve the payment in its app first.",
        "Invoices are generated with the address saved at the time of purchase, but you can download a corrected copy once the address is updated.",
    ],
    steps: &[
        "Open **Account → Billing → Invoices** in the {app} to see every line item.",
        "Check whether the second charge is marked as **pending** on your statement — pending holds disappear on their own.",
        "Make sure the billing address matches the one your bank has on file.",
        "Approve the payment in your banking app when the 3-D Secure prompt appears.",
        "If the refund isn’t visible after {n} business days, send us a screenshot of your statement and we’ll raise it with our payments team.",
        "Remove the card under **Payment methods** and add it again.",
        "Update the address under **Profile → Billing address**, then choose **Regenerate invoice**.",
    ],
    followups: &[
        "Can you send me a confirmation by email that the refund was issued?",
        "Is there a way to get notified before the next renewal charge?",
        "Could the plan be switched to yearly billing instead?",
        "Do you also accept PayPal or bank transfers?",
    ],
    answers: &[
        "Done — I’ve sent a refund confirmation to the email address on your account. It includes the reference number your bank may ask for.",
        "Yes: under **Account → Notifications** you can turn on **Renewal reminders**, and we’ll email you {n} days before every charge.",
        "Yearly billing is {n}0% cheaper on the {plan} plan. I can switch you now, and the unused part of this month will be credited.",
        "We accept PayPal, SEPA direct debit and most major cards. Bank transfers are only available for business accounts, unfortunately.",
    ],
    code: false,
};

const RETURNS: Topic = Topic {
    contexts: &[
        "I received my {product} on {weekday}.",
        "I bought {a_product} as a gift, but it turned out to be the wrong {model|colour|size}.",
        "We’ve had the {product} for {n} weeks now.",
        "I ordered the {product} twice by mistake (order {order}).",
    ],
    problems: &[
        "It doesn’t really fit what I need, and I’d like to return it.",
        "The {product} arrived with a {scratch|dent|crack} on the front.",
        "I’d like to exchange it for a different model, but I can’t find the option anywhere.",
        "I lost the original packaging — can I still send it back?",
        "The return label in the email has expired.",
    ],
    questions: &[
        "How do I start a return?",
        "Can I get a prepaid return label?",
        "Will I get a full refund or store credit?",
        "How long do I have to send it back?",
        "Can I drop it off somewhere in {city}?",
    ],
    explains: &[
        "You can return any {product} within 30 days of delivery for a full refund, as long as it’s complete and undamaged.",
        "Original packaging isn’t required — any sturdy box works.",
        "Exchanges are handled as a return plus a new order, so the new item ships as soon as the return is scanned by {carrier}.",
        "Return labels are valid for {n} days; a fresh one can be created from the order page at any time.",
    ],
    steps: &[
        "Go to **Orders → {order}** and choose **Return or exchange**.",
        "Select the reason and whether you want a refund or a replacement.",
        "Print the prepaid {carrier} label, or show the QR code at a drop-off point.",
        "Pack the {product} with all accessories and the quick-start guide.",
        "Drop it off within {n} days — you’ll get an email once it’s checked in.",
        "Take photos of any damage before you pack it, so we can process the claim faster.",
    ],
    followups: &[
        "How long does the refund take once you receive it?",
        "Can I keep the accessories that came with it?",
        "Do I need to include the receipt in the box?",
    ],
    answers: &[
        "Refunds go out within {n} business days of the return being checked in, and your bank may need a few more days to show it.",
        "Please send everything that came in the box, including the accessories, otherwise we can only offer a partial refund.",
        "No receipt needed — the QR code on the label links the parcel to order {order}.",
    ],
    code: false,
};

const ACCOUNT: Topic = Topic {
    contexts: &[
        "I’ve had my {company} account for {n} years.",
        "I {got|bought} a new phone {last week|yesterday|over the weekend}.",
        "I’m trying to log in from {my laptop|the {app}|a work computer}.",
        "My account email is {email}.",
    ],
    problems: &[
        "I can’t log in — it says my password is wrong even after resetting it.",
        "I’m not getting the verification code by SMS anymore.",
        "I want to change the email address on my account to {email}.",
        "My account was locked after too many attempts.",
        "I’d like to delete my account and all my data.",
        "Someone else’s name shows up on my profile page, which is a bit worrying.",
    ],
    questions: &[
        "How can I get back in?",
        "What should I do?",
        "Can you walk me through it?",
        "Is there another way to verify my identity?",
        "How long does that take?",
    ],
    explains: &[
        "Password reset links expire after {n}0 minutes, and each new link cancels the previous ones, so an older link can make the new password look wrong.",
        "SMS codes can be delayed by your carrier; the authenticator app option is usually faster and more reliable.",
        "For security, accounts are locked for {n}0 minutes after five failed attempts.",
        "Deleting your account removes your order history and device settings permanently after a 30-day grace period.",
        "Display names are set per household member, so the name you see is most likely from a shared home that someone invited you to.",
    ],
    steps: &[
        "Open the login page and choose **Forgot password?**.",
        "Use the newest reset email only — earlier links stop working once a new one is sent.",
        "Check your spam folder for messages from no-reply@example.com.",
        "Switch to the authenticator app under **Security → Two-step verification**.",
        "Wait {n}0 minutes for the lock to expire, then try again.",
        "Update your email under **Profile → Contact details** and confirm the change from both inboxes.",
        "Request deletion under **Privacy → Delete account**; you’ll get a confirmation email.",
        "Review **Security → Active sessions** and sign out of any device you don’t recognise.",
    ],
    followups: &[
        "Will I lose my order history if I change the email?",
        "Can I use a hardware security key instead of SMS?",
        "How do I know the deletion actually went through?",
    ],
    answers: &[
        "No, your order history, saved addresses and devices stay exactly as they are — only the login email changes.",
        "Yes, we support FIDO2 security keys. Add one under **Security → Two-step verification → Security key**, and keep SMS as a backup.",
        "You’ll get a final email once the 30-day grace period ends and the data is erased. Until then you can still cancel the deletion by logging in.",
    ],
    code: false,
};

const PLAN: Topic = Topic {
    contexts: &[
        "I’ve been on the {plan} plan since {month}.",
        "We’re a household of {n} and our usage has grown.",
        "My subscription renews on the {day}th.",
        "A friend told me about your {feature} option.",
    ],
    problems: &[
        "I’d like to {upgrade|switch} from {plan} to something bigger.",
        "I want to cancel my subscription before it renews.",
        "I’m moving abroad for {n} months and would like to pause my plan.",
        "I’m not sure whether my plan includes {feature}.",
    ],
    questions: &[
        "What would that cost?",
        "How do I do that without losing my settings?",
        "Can you help me choose?",
        "Will I be charged for the rest of the month?",
    ],
    explains: &[
        "Upgrades take effect immediately and you only pay the difference for the rest of the billing period.",
        "If you cancel before the renewal date, you keep access until the end of the period and won’t be charged again.",
        "The {plan} plan already includes {feature}, so you might not need to upgrade at all.",
        "Pausing is possible for up to {n} months per year, and your settings and history are kept.",
    ],
    steps: &[
        "Open **Account → Subscription** in the {app}.",
        "Tap **Change plan** and compare the options side by side.",
        "Choose the new plan and confirm — you’ll see the prorated price before paying.",
        "To cancel, tap **Cancel subscription** and pick a reason.",
        "Check your email for the confirmation, which includes the exact end date.",
        "To pause, choose **Pause plan** and select how many months you’ll be away.",
    ],
    followups: &[
        "Can I switch back later if the new plan is too much?",
        "Is there a discount for students or non-profits?",
        "Do I keep {feature} during the pause?",
    ],
    answers: &[
        "Of course — you can downgrade at any time, and the change applies from your next billing date.",
        "Yes, we offer {n}0% off for students and registered non-profits. Send us a proof of status and we’ll apply it to your next invoice.",
        "During a pause, {feature} is suspended, but everything is restored automatically when the plan resumes.",
    ],
    code: false,
};

const HOME_TROUBLE: Topic = Topic {
    contexts: &[
        "I set up my {product} {last month|a few weeks ago|yesterday|over the weekend} and it worked fine until {weekday}.",
        "I have {n} Lumen devices at home, including {a_product}.",
        "We just moved into a new flat in {city} and I’m setting up the {product} again.",
        "My {product} is about {n} months old.",
    ],
    problems: &[
        "Now it keeps going offline in the {app} every {few minutes|hour or so|evening}.",
        "The status light blinks {orange|red|white} and the app says “Device not responding”.",
        "It won’t connect to my Wi-Fi — the setup fails at {n}{0|5}%.",
        "After the latest firmware update, the schedules I created don’t run anymore.",
        "It responds to the app but not to voice commands from my speaker.",
        "Motion alerts arrive {n} minutes late, which makes them pretty useless.",
    ],
    questions: &[
        "How do I fix this?",
        "Is this a known problem?",
        "Do I need to reset it completely?",
        "Could it be my router?",
        "Is the device faulty?",
    ],
    explains: &[
        "This usually happens when the {product} briefly loses its connection to the hub, often because of Wi-Fi interference or a weak signal.",
        "A blinking {orange|red} light means the device has power but can’t reach our servers.",
        "Firmware {n}.{n2}.{day} changed how schedules are stored, and a small number of devices need a quick reset to pick up the new format.",
        "Late alerts are almost always caused by battery saving on the phone, which holds back notifications from apps running in the background.",
    ],
    steps: &[
        "Unplug the {product} for {secs} seconds, then plug it back in and wait for the light to turn solid white.",
        "Make sure your phone is on the 2.4 GHz band — the {product} can’t join 5 GHz-only networks.",
        "In the {app}, open **Devices → {product} → Settings** and tap **Check for updates**.",
        "Move the Lumen Hub within {n} metres of the {product} while you test it.",
        "Hold the reset button for {secs} seconds until the light blinks {orange|blue}, then add the device again with **+ Add device**.",
        "Check that your router’s firewall isn’t blocking ports 443 and 8883.",
        "Turn off any VPN or ad blocker on your phone during setup.",
        "Re-link your voice assistant under **Settings → Integrations** and say “Discover devices”.",
        "Open **Automations**, delete the broken schedule and create it again.",
        "Exclude the {app} from battery optimisation in your phone’s settings.",
    ],
    followups: &[
        "The light is solid white now, but the app still shows it as offline.",
        "Does a factory reset delete my recordings?",
        "Should I buy a Wi-Fi extender for the garage?",
        "Can I set it up without the hub?",
    ],
    answers: &[
        "That usually clears up after a minute or two once the app refreshes. Pull down on the device list to refresh it; if it still says offline, remove the device and add it again.",
        "No — recordings are stored in your cloud history, not on the device, so a reset doesn’t touch them.",
        "Before buying anything, try moving the hub closer; if the signal in the garage is still below two bars, a mesh extender is the most reliable fix.",
        "The {product} needs the hub for schedules and automations, but basic on/off control works over Wi-Fi alone.",
    ],
    code: false,
};

const NET_TROUBLE: Topic = Topic {
    contexts: &[
        "I’m on the {plan} plan in {city}.",
        "We work from home, so a stable connection matters a lot to us.",
        "I switched to Brightpath {n} months ago.",
        "The {product} was installed by your technician {last week|in {month}|a few days ago}.",
    ],
    problems: &[
        "My internet drops every {n}{0|5} minutes or so, mostly in the evening.",
        "Speeds are way below what I pay for — a speed test shows {n}{0|5} Mbps.",
        "The router’s {Internet|WAN|fibre} light is {red|off|blinking} and nothing connects.",
        "My phone shows “No service” since I switched to the eSIM.",
        "The TV Stream box buffers constantly even though other devices are fine.",
        "Video calls freeze every few minutes, but web pages load normally.",
    ],
    questions: &[
        "Is there an outage in my area?",
        "What can I do about it?",
        "Do I need a technician?",
        "Could you check the line from your side?",
    ],
    explains: &[
        "Evening drops are often caused by Wi-Fi congestion rather than the line itself, since that’s when neighbouring networks are busiest.",
        "The speeds in your plan are measured over a wired connection; Wi-Fi usually delivers 60–80% of that, depending on distance and walls.",
        "A red light on the router means it has lost the signal from our network, which can be a local fault or an outage in your area.",
        "After an eSIM switch, the new profile sometimes stays disabled until the phone is restarted once.",
        "Freezing calls with normal browsing usually point to packet loss on Wi-Fi rather than a problem with the line.",
    ],
    steps: &[
        "Restart the Brightpath Home Router X2 by holding the power button for {secs} seconds.",
        "Connect a laptop with an Ethernet cable and run a speed test to compare with Wi-Fi.",
        "Check that the fibre cable is clicked firmly into the **PON** port and isn’t bent.",
        "In the {app}, go to **My services → Diagnostics** and run the line check.",
        "Set the router’s Wi-Fi channel to **Auto** under **Settings → Wireless**.",
        "On your phone, open **Settings → Mobile data → eSIM** and make sure the Brightpath line is turned on.",
        "Toggle airplane mode on and off, then restart the phone.",
        "Place the Mesh extender halfway between the router and the room with the weak signal.",
    ],
    followups: &[
        "The line check says “No faults found”. What next?",
        "The light is green again, but the speed is still low.",
        "Can a technician come on a {weekday}?",
    ],
    answers: &[
        "Thanks for running it. Since the line is fine, the next step is the Wi-Fi: try the wired test from step 2, and if that shows the full speed, the Mesh extender will help the most.",
        "Good news that it’s back. Low speed right after a reconnect is normal for about {n}0 minutes while the line retrains; if it hasn’t improved by then, let me know.",
        "Yes, technicians work {weekday}s in {city}. I’ve reserved the morning slot (8:00–12:00) for you — you’ll get a text the evening before.",
    ],
    code: false,
};

const BIKE_TROUBLE: Topic = Topic {
    contexts: &[
        "I ride my {product} to work every day, about {n}{0|5} km.",
        "I bought the {product} in {month} from your shop in {city}.",
        "My {product} has about {n}00 km on it.",
        "I mostly ride in the hills around {city}.",
    ],
    problems: &[
        "The gears skip when I pedal hard, especially in {the lowest gear|the higher gears}.",
        "The motor cuts out after about {n} km even though the battery shows {n}0%.",
        "The display shows error E{n}{n2} and the assist won’t turn on.",
        "The rear brake squeals loudly and doesn’t feel as strong as it used to.",
        "The {app} can’t find the bike over Bluetooth anymore.",
        "There’s a clicking noise from the bottom bracket on every pedal stroke.",
    ],
    questions: &[
        "Is it safe to keep riding?",
        "Can I fix this myself?",
        "Is this covered by the warranty?",
        "What do you recommend?",
    ],
    explains: &[
        "Skipping under load is usually a cable that has stretched a little during the first few hundred kilometres — completely normal on a new bike.",
        "The motor cutting out with charge left usually points to a loose battery contact rather than a faulty battery.",
        "Error E{n}{n2} means the display lost contact with the motor controller, most often because of a loose plug after transport.",
        "Squealing brakes are almost always contaminated pads or rotors; a little oil or cleaning spray is enough to cause it.",
    ],
    steps: &[
        "Shift to the smallest cog and turn the barrel adjuster a quarter turn anticlockwise.",
        "Check the chain for wear with a chain checker — replace it if it’s past 0.5%.",
        "Remove the battery, wait {secs} seconds, then click it back in until you hear the lock engage.",
        "Clean the contacts on the battery and the frame with a dry cloth.",
        "Update the display firmware in the {app} under **Bike → Software**.",
        "Clean the brake rotor with isopropyl alcohol and avoid touching it with your fingers.",
        "Turn Bluetooth off and on, then remove the bike from the app’s device list and pair it again.",
        "Book a free check at your nearest Fjörd service partner in {city} if the problem comes back.",
    ],
    followups: &[
        "I don’t have a chain checker. Can I tell some other way?",
        "How often should the bike be serviced?",
        "Are the brake pads covered by the warranty?",
    ],
    answers: &[
        "You can measure 12 links with a ruler: on a new chain that’s exactly 30.5 cm (12 inches). If it’s more than 1.5 mm longer, it’s time for a new chain.",
        "We recommend a service every {n}000 km or once a year, whichever comes first. The first service after 500 km is free.",
        "Pads are wear parts, so they aren’t covered, but the first set is free at your first service if they’re worn out.",
    ],
    code: false,
};

const API_TROUBLE: Topic = Topic {
    contexts: &[
        "I’m integrating {product} into our {language} backend.",
        "We deploy on {platform} and call the Cobalt API from a background job.",
        "Our staging project works, but production doesn’t.",
        "We’re on the {plan} plan and our traffic {doubled|tripled|grew a lot} this month.",
        "I’m migrating an old integration from API v1 to v2.",
    ],
    problems: &[
        "Every request returns `401 Unauthorized` with the error `invalid_token`.",
        "The API key works with curl but not from our {language} code.",
        "We get `403 Forbidden` when uploading to the `{bucket}` bucket.",
        "Requests started failing with `429 Too Many Requests` after we added a cron job that runs every minute.",
        "Webhook signature verification fails for every event, although the secret is copied from the dashboard.",
        "Function cold starts take {n} seconds, which breaks our gateway timeout.",
        "Uploads larger than {n}00 MB fail halfway with `connection reset by peer`.",
    ],
    questions: &[
        "What are we doing wrong?",
        "Is there a recommended way to handle this?",
        "Can you show an example?",
        "Is this a known issue on your side?",
        "How should we structure the retries?",
    ],
    explains: &[
        "A `401` with `invalid_token` almost always means the key is sent without the `Bearer ` prefix, or with a trailing newline from the environment file.",
        "Keys are scoped per project, so a staging key won’t work against production resources.",
        "`429` responses include a `Retry-After` header; the {plan} plan allows {n}00 requests per minute per key.",
        "Webhook signatures are computed over the raw request body, so parsing and re-serialising the JSON before verifying changes the bytes and breaks the check.",
        "Cold starts depend mostly on package size; trimming dependencies and enabling provisioned concurrency usually brings them under a second.",
        "Single-request uploads are limited to 100 MB, so larger files need the multipart upload endpoint.",
    ],
    steps: &[
        "Log the length of the key at startup to make sure no whitespace slipped in.",
        "Send the header as `Authorization: Bearer $COBALT_API_KEY`.",
        "Check that the key belongs to the same project as the `{bucket}` bucket under **Project → API keys**.",
        "Add exponential backoff and honour the `Retry-After` header.",
        "Verify the signature on the raw body before parsing it.",
        "Rotate the webhook secret under **Webhooks → Signing secret** and update it in your environment.",
        "Enable **Provisioned concurrency** for the function in the {app}.",
        "Switch to multipart uploads with parts of 16–64 MB.",
    ],
    followups: &[
        "That fixed it, thanks! Is there a sandbox we can use for tests?",
        "Does the {language} SDK handle the retries for us?",
        "Can we raise the rate limit for a single key?",
        "Where can I see the request logs?",
    ],
    answers: &[
        "Yes — every project has a free sandbox environment. Create a key with the **Sandbox** scope; requests made with it never touch production data.",
        "The official {language} SDK retries `429` and `5xx` responses up to {n} times with backoff by default, so you can remove your own retry loop.",
        "Limits are per project on the {plan} plan, but we can raise them for a key on request. Tell me the expected peak requests per minute and I’ll open the request.",
        "Request logs are under **Project → Observability → Logs** in the {app}, kept for {n} days. You can filter by status code and key.",
    ],
    code: true,
};

const CODE_SNIPPETS: &[&str] = &[
    "```python\nimport os\nimport requests\n\nresp = requests.get(\n    \"https://api.cobalt.example/v2/objects\",\n    headers={\"Authorization\": f\"Bearer {os.environ['COBALT_API_KEY'].strip()}\"},\n    timeout=10,\n)\nresp.raise_for_status()\nprint(resp.json()[\"items\"][:5])\n```",
    "```bash\ncurl -sS https://api.cobalt.example/v2/buckets \\\n  -H \"Authorization: Bearer $COBALT_API_KEY\" \\\n  -H \"Accept: application/json\" | jq '.buckets[].name'\n```",
    "```js\nconst res = await fetch(\"https://api.cobalt.example/v2/queues/jobs\", {\n  method: \"POST\",\n  headers: {\n    Authorization: `Bearer ${process.env.COBALT_API_KEY}`,\n    \"Content-Type\": \"application/json\",\n  },\n  body: JSON.stringify({ task: \"resize\", priority: 2 }),\n});\nif (!res.ok) throw new Error(`HTTP ${res.status}`);\n```",
    "```python\nimport hashlib\nimport hmac\n\ndef verify(raw_body: bytes, signature: str, secret: str) -> bool:\n    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, signature)\n```",
    "```python\nimport random\nimport time\n\ndef with_backoff(call, attempts=5):\n    for attempt in range(attempts):\n        resp = call()\n        if resp.status_code != 429:\n            return resp\n        delay = float(resp.headers.get(\"Retry-After\", 2 ** attempt))\n        time.sleep(delay + random.random())\n    return resp\n```",
    "```go\nreq, _ := http.NewRequest(\"GET\", \"https://api.cobalt.example/v2/functions\", nil)\nreq.Header.Set(\"Authorization\", \"Bearer \"+strings.TrimSpace(os.Getenv(\"COBALT_API_KEY\")))\nresp, err := http.DefaultClient.Do(req)\nif err != nil {\n    log.Fatal(err)\n}\ndefer resp.Body.Close()\n```",
];

// ----------------------------------------------------------------------------- domains ---

struct Domain {
    company: &'static str,
    app: &'static str,
    agent: &'static str,
    /// Dominant system prompt first, then a rarer reworded variant.
    systems: [&'static str; 2],
    products: &'static [&'static str],
    plans: &'static [&'static str],
    features: &'static [&'static str],
    topics: &'static [&'static Topic],
    tools: &'static str,
    weight: f64,
}

const DOMAINS: &[Domain] = &[
    Domain {
        company: "Lumen Home",
        app: "Lumen app",
        agent: "Nova",
        systems: [
            "You are Nova, the customer support assistant for Lumen Home, an online store for smart home devices. Be friendly, concise and accurate. Use numbered steps for instructions. Never ask for full card numbers or passwords. If you are unsure, say so and offer to connect the customer with a human agent.",
            "You are Nova, Lumen Home’s support assistant. Answer questions about orders, billing and Lumen smart home devices in a friendly, concise way, with numbered steps where useful. Never ask for passwords or full card numbers.",
        ],
        products: &[
            "Lumen Hub 2",
            "Glow A19 smart bulb",
            "Lumen Cam Outdoor",
            "Breeze thermostat",
            "Lumen Doorbell Pro",
            "Aura light strip",
            "Smart Plug Mini",
            "Sentry motion sensor",
            "Lumen Lock Touch",
            "Halo smoke detector",
            "Lumen Cam Indoor",
            "Glow GU10 spot",
        ],
        plans: &[
            "Lumen Secure Basic",
            "Lumen Secure Plus",
            "Lumen Secure Family",
        ],
        features: &[
            "30-day video history",
            "person detection",
            "professional monitoring",
            "package alerts",
        ],
        topics: &[
            &SHIPPING,
            &BILLING,
            &RETURNS,
            &ACCOUNT,
            &PLAN,
            &HOME_TROUBLE,
            &HOME_TROUBLE,
        ],
        tools: r#"[{"type": "function", "function": {"name": "lookup_order", "description": "Look up an order by its ID and return its status, carrier and estimated delivery date.", "parameters": {"type": "object", "properties": {"order_id": {"type": "string", "description": "The order ID, for example A12345."}}, "required": ["order_id"]}}}, {"type": "function", "function": {"name": "check_refund_status", "description": "Return the refund status and amount for an order.", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}}]"#,
        weight: 45.0,
    },
    Domain {
        company: "Brightpath",
        app: "Brightpath app",
        agent: "Max",
        systems: [
            "You are Max, a support agent for Brightpath, a broadband and mobile provider. Help customers with connection problems, plans, bills and equipment. Keep answers short and practical, use numbered steps for troubleshooting, and never promise compensation without checking the account first.",
            "You are Max from Brightpath customer care. Help with broadband, mobile plans, bills and equipment. Be short and practical and use numbered troubleshooting steps.",
        ],
        products: &[
            "Home Router X2",
            "Mesh extender",
            "TV Stream box",
            "eSIM",
            "prepaid SIM",
            "Fibre 500 line",
            "4G backup dongle",
        ],
        plans: &[
            "Fibre 500",
            "Fibre 1000",
            "Unlimited Plus",
            "Mobile 20 GB",
            "Family Bundle",
        ],
        features: &[
            "a static IP",
            "EU roaming",
            "unlimited data",
            "a second SIM",
        ],
        topics: &[
            &BILLING,
            &ACCOUNT,
            &PLAN,
            &SHIPPING,
            &NET_TROUBLE,
            &NET_TROUBLE,
        ],
        tools: r#"[{"type": "function", "function": {"name": "check_outage", "description": "Check whether there is a known network outage at a postcode.", "parameters": {"type": "object", "properties": {"postcode": {"type": "string", "description": "Postcode of the customer's address."}}, "required": ["postcode"]}}}, {"type": "function", "function": {"name": "lookup_order", "description": "Look up an equipment order by its ID.", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}}]"#,
        weight: 25.0,
    },
    Domain {
        company: "Cobalt Cloud",
        app: "Cobalt console",
        agent: "Ada",
        systems: [
            "You are Ada, the developer support assistant for Cobalt Cloud. Answer questions about the Cobalt API, SDKs, storage, functions and billing. Be precise, include short code examples when they help, and point to the relevant console page. Never ask customers to paste secret keys into the chat.",
            "You are Ada, Cobalt Cloud’s developer support assistant. Answer API, SDK, storage, functions and billing questions precisely, with short code examples where useful.",
        ],
        products: &[
            "Object Storage",
            "Functions",
            "Managed Postgres",
            "Edge CDN",
            "Queues",
            "the REST API",
        ],
        plans: &["Starter", "Team", "Business"],
        features: &[
            "SSO",
            "a 99.99% SLA",
            "point-in-time recovery",
            "audit logs",
        ],
        topics: &[
            &API_TROUBLE,
            &API_TROUBLE,
            &API_TROUBLE,
            &BILLING,
            &ACCOUNT,
            &PLAN,
        ],
        tools: r#"[{"type": "function", "function": {"name": "get_usage", "description": "Return today's API usage and limits for a project.", "parameters": {"type": "object", "properties": {"project_id": {"type": "string", "description": "Project ID, starting with prj_."}}, "required": ["project_id"]}}}]"#,
        weight: 18.0,
    },
    Domain {
        company: "Fjörd Bikes",
        app: "Fjörd app",
        agent: "Sigrid",
        systems: [
            "You are Sigrid, the customer service assistant of Fjörd Bikes. You help riders with orders, deliveries, warranty claims and technical questions about Fjörd bikes and e-bikes. Be warm and clear, give safety advice first when it matters, and suggest a visit to a service partner when a repair needs tools.",
            "You are Sigrid from Fjörd Bikes customer service. Help riders with orders, warranty and technical questions in a warm, clear way, safety first.",
        ],
        products: &[
            "Fjörd Trail 29",
            "Fjörd City e-bike",
            "Vega gravel bike",
            "Fjörd Kids 20",
            "Torden e-MTB",
            "Nord commuter",
            "625 Wh battery pack",
        ],
        plans: &["Fjörd Care", "Fjörd Care Plus"],
        features: &[
            "theft insurance",
            "an annual service",
            "roadside assistance",
        ],
        topics: &[
            &SHIPPING,
            &RETURNS,
            &BILLING,
            &BIKE_TROUBLE,
            &BIKE_TROUBLE,
            &PLAN,
        ],
        tools: r#"[{"type": "function", "function": {"name": "lookup_order", "description": "Look up an order by its ID and return its status, carrier and estimated delivery date.", "parameters": {"type": "object", "properties": {"order_id": {"type": "string", "description": "The order ID, for example A12345."}}, "required": ["order_id"]}}}]"#,
        weight: 12.0,
    },
];

// ------------------------------------------------------------------- shared sentences ---

const GREETINGS: &[&str] = &[
    "Hi,",
    "Hello,",
    "Hi there!",
    "Hey,",
    "Good morning,",
    "Hello team,",
    "Hi {agent},",
    "Bonjour,",
    "Hallo,",
    "Hi — quick question.",
    "Hello, hope you’re well.",
    "Hey there 👋",
    "Good evening,",
    "Dear support,",
];
const SIGNOFFS: &[&str] = &[
    "Thanks!",
    "Thanks in advance.",
    "Thank you so much!",
    "Cheers,\n{name}",
    "Appreciate it {emoji}",
    "Merci beaucoup !",
    "Danke!",
    "Best regards,\n{name}",
    "Thanks, {name}",
    "Any help is appreciated.",
    "Kind regards, {name}",
    "Thank you for your time.",
];
const SITUATIONS: &[&str] = &[
    "{Last|This|Early on|Late on} {weekday} {I|we|my partner|my flatmate|my dad|our office manager|my colleague} {tried to|wanted to|had to|was about to} {pay an invoice|set up a new device|check the delivery status|log in|change our plan|return something|update our address|book a repair|add a second user} {from the {app}|on the website|over the phone|from a hotel in {city}|on my work laptop|while on the train}{, and|, but| — and|, and then} {it took forever|nothing happened|the page froze|I got an error|it just kept loading|I was logged out|it asked me to start over|the chat disconnected}.",
    "{For context|Some background|Just so you know|A bit of context}, {we are|I’m part of} {a family of {n}|a small design studio|two students sharing a flat|a retired couple|a team of {n}0 people|a household that works from home} {in|near|just outside} {city}, and {we rely on|we depend on|we use} {the {product}|our account|your service} {every day|for work|a lot more than expected|mostly in the evenings|for pretty much everything}.",
    "{Yesterday|On {weekday}|Twice this week|Earlier today|Over the weekend|Last night}, {around|at about|just after|shortly before} {clock}, {the same thing happened again|it happened in the middle of a video call|it went wrong again|I noticed it for the first time|my {son|daughter|partner|neighbour} pointed it out}{ and I had to restart everything|, which was really annoying| and I lost about an hour of work| — not great timing| and I gave up for the day|}.",
    "{I’ve|We’ve} {read the FAQ|searched the community forum|watched the setup video|asked a friend who works in IT|checked the status page} {twice|already|this morning|before writing} {and|but} {found nothing that matches|the advice there didn’t apply to my case|it only covers older models|it just says to contact support|I’m still stuck}{, so here I am| — hence this message|, hence the message|}.",
];
const DETAILS: &[&str] = &[
    "I already restarted everything twice.",
    "This is the second time this has happened {this month|since {month}}.",
    "I’m using the {app} on {an iPhone 13|a Pixel 8|a Galaxy S23|an iPad} with the latest update.",
    "My partner has the same problem on {his|her|their} phone.",
    "I’ve been a customer for {n} years and never had an issue before.",
    "I need this sorted by {weekday} because I’m travelling after that.",
    "I tried calling, but the line was busy for {n}0 minutes.",
    "To be honest I’m a bit frustrated {emoji}",
    "Not sure if it matters, but I’m in {city}.",
    "I looked through the help centre but couldn’t find anything about this.",
];
const OPENERS: &[&str] = &[
    "Thanks for reaching out!",
    "I’m sorry about the trouble with your {product} — let’s get this sorted.",
    "Happy to help with that.",
    "Thanks for the details, that helps a lot.",
    "Sorry for the hassle! Here’s what I’d suggest.",
    "Good question — this comes up quite often.",
    "I understand how frustrating that is, especially when you’re waiting on it.",
    "Thanks for your patience, {name}.",
    "Hi {name}, thanks for getting in touch.",
    "Sorry to hear that!",
];
const NOTES: &[&str] = &[
    "Note: changes can take up to {n} minutes to show up in the {app}.",
    "Tip: you can do all of this from the web dashboard as well, if that’s easier than the {app}.",
    "Good to know: none of these steps delete your data or settings.",
    "If you’d rather talk to a person, our team is available {weekday} to Friday, 8:00–20:00, and I can arrange a call back.",
    "By the way, the help centre article “{Getting started|Troubleshooting basics|Billing FAQ|Orders and delivery}” covers this in more detail, with screenshots.",
    "P.S. If this happens again within {days} days, mention reference #{order} so we can see the history right away.",
];
const STEP_INTROS: &[&str] = &[
    "Here’s what to try:",
    "Please try the following:",
    "Here are the steps:",
    "Could you try these steps?",
    "This should fix it:",
    "Here’s how:",
];
const CLOSINGS: &[&str] = &[
    "If that doesn’t fix it, reply here with {the exact error message|a photo of the status light|your order number} and I’ll take a closer look.",
    "Let me know if there’s anything else I can help with!",
    "I hope that helps — have a great {weekday}!",
    "If you need anything else, I’m here.",
    "Feel free to reply if any of the steps aren’t clear.",
    "Let me know how it goes {emoji}",
    "If the problem comes back, just reply to this conversation and we’ll pick it up from here.",
];
const FOLLOWUP_WRAPS: &[&str] = &[
    "Thanks, that worked! One more thing: {fq}",
    "OK, done. {fq}",
    "Perfect, thank you. {fq}",
    "Got it. {fq}",
    "That helps, thanks. {fq}",
    "{fq}",
    "Great, thanks! {name} here again. {fq}",
];
const RETRY_FOLLOWUPS: &[&str] = &[
    "I tried step {step}, but {it didn’t change anything|the option isn’t there|I got an error}.",
    "Hmm, still the same after trying all of that. Anything else I can try?",
    "I did all the steps and it worked for about {n} minutes, then the same thing again.",
];
const RETRY_ANSWERS: &[&str] = &[
    "Thanks for trying that, and sorry it didn’t do the trick. The next thing to check is below.",
    "Thanks for letting me know. Let’s try a slightly different approach.",
    "I appreciate you going through all of that. Two more things are worth trying before we escalate:",
];
const SHORT_OPENERS: &[&str] = &[
    "Good question!",
    "Sure!",
    "Absolutely.",
    "Of course.",
    "Great that it worked!",
    "Thanks for checking.",
];
const CLARIFY_LEADS: &[&str] = &[
    "Happy to help! Before I {check|look into} this,",
    "Thanks for reaching out. So I can point you in the right direction,",
    "I’d like to make sure I give you the right answer —",
    "Sorry about that! To look into it,",
];
const CLARIFY_QUESTIONS: &[&str] = &[
    "could you tell me your order number and roughly when you placed the order?",
    "could you tell me which model you have and whether the light on it is blinking or solid?",
    "is this about a charge on your card or a refund you’re still waiting for?",
    "did this start after the latest update, or has it always behaved like this?",
    "are you setting it up for the first time, or did it stop working after it had been fine?",
    "which plan are you on, and is the problem on Wi-Fi, mobile data or both?",
    "could you share the request ID from the error response (not the API key)?",
];
/// (user request, refusal that still offers help)
const REFUSALS: &[(&str, &str)] = &[
    (
        "Can you tell me the delivery address my {brother|ex|flatmate} used for order {order}? It’s under their name.",
        "I’m sorry, but I can’t share details from another person’s order or account — that information is private, even within a family. What I can do is help you pass on a message, or help you place an order of your own.",
    ),
    (
        "Please turn off two-factor authentication on my account, I don’t have my phone and need to get in right now.",
        "I cannot disable two-factor authentication over chat, because that would let anyone who knows your email into your account. I can help you recover access safely, though: use one of your backup codes, or choose **Can’t access your phone?** on the login page to verify by email. It takes about {n}0 minutes.",
    ),
    (
        "Can you give me one of the employee discount codes? I know they exist.",
        "I can’t share employee discount codes — they’re tied to staff accounts. I’d be glad to help you find a current promotion instead: the {plan} plan is {n}0% off this month, and newsletter subscribers get free shipping.",
    ),
    (
        "Can you read me the full card number saved on my account? I forgot which card it is.",
        "For your security I can’t display full card numbers, but I can help you identify the card: under **Account → Payment methods** you’ll see the card brand, the last four digits and the expiry date.",
    ),
    (
        "Could you tell me which other customers in {city} bought {a_product}? I want to start a user group.",
        "I cannot share information about other customers, so I’m not able to give you names or contacts. I’d be happy to help in another way: our community forum has a local groups section, and I can help you post there.",
    ),
    (
        "Just write me a fake invoice dated last year so I can claim it on my taxes.",
        "I can’t create invoices with dates or amounts that don’t match a real purchase. If you need a copy of an actual invoice from last year, I can help with that — they’re all under **Account → Billing → Invoices**.",
    ),
];
const TOOL_ASKS: &[&str] = &[
    "Can you check the status of my order {order}? It was supposed to arrive {days} days ago.",
    "Where is my order {order}? The tracking page isn’t loading for me.",
    "Could you look up order {order} for me? I’d like to know when it will arrive {emoji}",
    "My order number is {order}. Has it shipped yet?",
];
const NET_TOOL_ASKS: &[&str] = &[
    "My internet has been down since {hour}:{min2} this morning. My postcode is {postcode}. Is there an outage?",
    "Is there a network problem at {postcode}? Nothing has worked for about {n} hours.",
    "Nothing loads and the router light is red. Postcode {postcode} — is it on your side?",
];
const API_TOOL_ASKS: &[&str] = &[
    "We’re getting lots of 429 errors on project {project}. Are we over our limit?",
    "Can you check how much of today’s quota project {project} has used? Requests are being throttled.",
    "Our dashboard looks wrong. How many requests has {project} made today?",
];
const IMAGE_TEXTS: &[&str] = &[
    "Here’s a photo of the damage — is this covered by the warranty?",
    "This is what the box looked like when it arrived. Can I still return it?",
    "The display shows this error, what does it mean?",
    "Attached is a screenshot of the charge on my statement. Why was I charged twice?",
    "This is the light on the device right now. Is it broken?",
];
const IMAGE_ANSWERS: &[&str] = &[
    "Thanks for the photo, that makes it much clearer. That kind of damage happened in transit, so it’s fully covered — you don’t need to send anything back.",
    "Thanks for the picture! The packaging damage doesn’t affect your right to return it; you can still start a return within 30 days.",
    "Thanks for the screenshot. That code means the display lost contact with the controller; reseating the plug usually fixes it.",
    "Thanks, I can see both lines in the screenshot. The second one is a pending authorisation that will disappear on its own.",
    "Thanks for the photo. A slow blue pulse means the device is waiting for setup, so it isn’t broken — it just needs to be added again.",
];

// --------------------------------------------------------------------------- the model ---

#[derive(Clone)]
enum Part {
    Text(String),
    Image(String, Option<&'static str>),
}

#[derive(Clone)]
enum Content {
    Text(String),
    Parts(Vec<Part>),
    Null,
    Missing,
}

#[derive(Clone)]
struct Call {
    id: String,
    name: &'static str,
    args: String,
}

#[derive(Clone)]
struct Msg {
    role: &'static str,
    name: Option<&'static str>,
    /// A repeated `content` key written before the real one (defect `repeated_key`).
    draft: Option<String>,
    content: Content,
    calls: Vec<Call>,
    call_id: Option<String>,
    weight: Option<u8>,
}

impl Msg {
    fn new(role: &'static str, text: String) -> Msg {
        Msg {
            role,
            name: None,
            draft: None,
            content: Content::Text(text),
            calls: Vec::new(),
            call_id: None,
            weight: None,
        }
    }
}

#[derive(Clone)]
struct Example {
    msgs: Vec<Msg>,
    tools: Option<&'static str>,
    /// Escape non-ASCII as \uXXXX, like Python's json.dumps default.
    ascii: bool,
}

// --------------------------------------------------------------------------- generation ---

struct Ctx {
    domain: &'static Domain,
    topic: &'static Topic,
    product: &'static str,
    plan: &'static str,
    feature: &'static str,
    name: &'static str,
    email: &'static str,
    city: &'static str,
    carrier: &'static str,
    order: String,
    tracking: String,
    amount: String,
    days: u32,
    n: u32,
    /// The postcode or project ID of a tool-calling example.
    ident: String,
}

struct Gen {
    rng: Rng,
    dedup_safe: bool,
    ctx: Ctx,
    stats: Features,
}

#[derive(Default)]
struct Features {
    system: usize,
    tool_examples: usize,
    multimodal: usize,
    weight0: usize,
    clarify: usize,
    refusal: usize,
    ascii_escaped: usize,
}

impl Gen {
    fn new(seed: u64, dedup_safe: bool) -> Gen {
        let domain = &DOMAINS[0];
        Gen {
            rng: Rng::new(seed),
            dedup_safe,
            ctx: Ctx {
                domain,
                topic: domain.topics[0],
                product: "",
                plan: "",
                feature: "",
                name: "",
                email: "",
                city: "",
                carrier: "",
                order: String::new(),
                tracking: String::new(),
                amount: String::new(),
                days: 0,
                n: 0,
                ident: String::new(),
            },
            stats: Features::default(),
        }
    }

    fn alnum(&mut self, out: &mut String, n: usize, upper_only: bool) {
        const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        const U: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        let set = if upper_only { U } else { A };
        for _ in 0..n {
            out.push(set[self.rng.below(set.len())] as char);
        }
    }

    fn new_ctx(&mut self) {
        let weights: Vec<f64> = DOMAINS.iter().map(|d| d.weight).collect();
        let domain = &DOMAINS[self.rng.weighted(&weights)];
        let r = &mut self.rng;
        let mut order = String::with_capacity(8);
        order.push((b'A' + r.below(8) as u8) as char);
        let _ = write!(order, "{}", r.range(10000, 99999));
        let mut tracking = String::with_capacity(18);
        tracking.push_str("1Z");
        let cur = r.pick(&["€", "$", "£"]);
        let amount = format!(
            "{}{}.{:02}",
            cur,
            r.range(9, 480),
            r.pick(&[0u32, 49, 90, 95, 99, 50])
        );
        self.ctx = Ctx {
            domain,
            topic: domain.topics[r.below(domain.topics.len())],
            product: r.pick(domain.products),
            plan: r.pick(domain.plans),
            feature: r.pick(domain.features),
            name: r.pick(NAMES),
            email: r.pick(EMAILS),
            city: r.pick(CITIES),
            carrier: r.pick(CARRIERS),
            order,
            tracking,
            amount,
            days: r.range(2, 12),
            n: r.range(2, 9),
            ident: String::new(),
        };
        let mut t = std::mem::take(&mut self.ctx.tracking);
        self.alnum(&mut t, 16, true);
        self.ctx.tracking = t;
    }

    /// Expands `{slot}` and `{a|b|c}` in a template; an alternative may hold slots
    /// (`{last week|on the {day}th}`), and may be empty (`{really |}`).
    fn fill(&mut self, t: &str, out: &mut String) {
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let b = rest.as_bytes();
            let (mut depth, mut close) = (0usize, open);
            let mut bars: Vec<usize> = Vec::new();
            for (i, &c) in b.iter().enumerate().skip(open) {
                match c {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = i;
                            break;
                        }
                    }
                    b'|' if depth == 1 => bars.push(i),
                    _ => {}
                }
            }
            assert!(close > open, "unclosed {{ in template {t:?}");
            if bars.is_empty() {
                self.slot(&rest[open + 1..close], out);
            } else {
                let k = self.rng.below(bars.len() + 1);
                let from = if k == 0 { open + 1 } else { bars[k - 1] + 1 };
                let to = if k == bars.len() { close } else { bars[k] };
                self.fill(&rest[from..to], out);
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
    }

    fn slot(&mut self, name: &str, out: &mut String) {
        let r = &mut self.rng;
        match name {
            "product" => out.push_str(self.ctx.product),
            "a_product" => {
                let p = self.ctx.product;
                let vowel = p.starts_with(|c: char| "AEIOUaeiou".contains(c));
                out.push_str(if p.starts_with("the ") {
                    ""
                } else if vowel {
                    "an "
                } else {
                    "a "
                });
                out.push_str(p);
            }
            "company" => out.push_str(self.ctx.domain.company),
            "app" => out.push_str(self.ctx.domain.app),
            "agent" => out.push_str(self.ctx.domain.agent),
            "plan" => out.push_str(self.ctx.plan),
            "feature" => out.push_str(self.ctx.feature),
            "name" => out.push_str(self.ctx.name),
            "email" => out.push_str(self.ctx.email),
            "city" => out.push_str(self.ctx.city),
            "carrier" => out.push_str(self.ctx.carrier),
            "order" => out.push_str(&self.ctx.order),
            "tracking" => out.push_str(&self.ctx.tracking),
            "amount" => out.push_str(&self.ctx.amount),
            "days" => {
                let _ = write!(out, "{}", self.ctx.days);
            }
            "n" => {
                let _ = write!(out, "{}", self.ctx.n);
            }
            "n2" => {
                let _ = write!(out, "{}", self.ctx.n + r.range(1, 6));
            }
            "step" => {
                let _ = write!(out, "{}", r.range(1, 3));
            }
            "day" => {
                let _ = write!(out, "{}", r.range(4, 28));
            }
            "hour" => {
                let _ = write!(out, "{}", r.range(6, 11));
            }
            "min2" => {
                let _ = write!(out, "{:02}", r.range(0, 11) * 5);
            }
            "secs" => {
                let _ = write!(out, "{}", r.pick(&[5u32, 10, 15, 20, 30]));
            }
            "weekday" => out.push_str(r.pick(WEEKDAYS)),
            "month" => out.push_str(r.pick(MONTHS)),
            "emoji" => out.push_str(r.pick(EMOJI)),
            "language" => out.push_str(r.pick(LANGUAGES)),
            "platform" => out.push_str(r.pick(PLATFORMS)),
            "bucket" => out.push_str(r.pick(BUCKETS)),
            "postcode" | "project" => out.push_str(&self.ctx.ident),
            "clock" => {
                let _ = write!(out, "{}:{:02}", r.range(6, 23), r.range(0, 11) * 5);
            }
            "fq" => {
                let t = self.rng.pick(self.ctx.topic.followups);
                self.fill(t, out);
            }
            other => panic!("unknown template slot {other:?}"),
        }
    }

    fn sentence(&mut self, pool: &[&'static str], out: &mut String) {
        let t = self.rng.pick(pool);
        self.fill(t, out);
    }

    fn join_space(out: &mut String) {
        if !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
            out.push(' ');
        }
    }

    fn first_user(&mut self) -> String {
        self.compose_user(None)
    }

    /// A first user message: greeting, context, then the problem sentences (or `ask`), a
    /// situation sentence and a detail in random order, the question, a sign-off. The
    /// situation sentences are combinatorial, so that first user messages rarely come
    /// within the lesson's 0.85 similarity of each other by chance.
    fn compose_user(&mut self, ask: Option<&'static str>) -> String {
        let mut s = String::with_capacity(640);
        let topic = self.ctx.topic;
        if self.rng.chance(0.55) {
            self.sentence(GREETINGS, &mut s);
            s.push_str(if self.rng.chance(0.5) { "\n\n" } else { " " });
        }
        if ask.is_none() || self.rng.chance(0.6) {
            self.sentence(topic.contexts, &mut s);
            s.push(' ');
        }
        let mut middle: Vec<String> = Vec::with_capacity(4);
        let mut one = |g: &mut Gen, pool: &[&'static str]| {
            let mut t = String::with_capacity(160);
            g.sentence(pool, &mut t);
            middle.push(t);
        };
        if ask.is_none() {
            one(self, topic.problems);
            if self.rng.chance(0.4) {
                one(self, topic.problems);
            }
        }
        if self.rng.chance(0.8) {
            one(self, SITUATIONS);
        }
        if self.rng.chance(0.6) {
            one(self, DETAILS);
        }
        let order = self.rng.distinct(middle.len(), middle.len());
        for i in order {
            s.push_str(&middle[i]);
            s.push(' ');
        }
        match ask {
            None => self.sentence(topic.questions, &mut s),
            Some(t) => self.fill(t, &mut s),
        }
        if self.rng.chance(0.35) {
            s.push_str(if self.rng.chance(0.5) { "\n\n" } else { " " });
            self.sentence(SIGNOFFS, &mut s);
        }
        s
    }

    fn steps(&mut self, pool: &[&'static str], k: usize, s: &mut String) {
        let bullets = self.rng.chance(0.15);
        for (i, j) in self.rng.distinct(pool.len(), k).into_iter().enumerate() {
            if bullets {
                s.push_str("- ");
            } else {
                let _ = write!(s, "{}. ", i + 1);
            }
            let t = pool[j];
            self.fill(t, s);
            s.push('\n');
        }
        s.pop();
    }

    fn answer(&mut self, first: bool) -> String {
        let topic = self.ctx.topic;
        let mut s = String::with_capacity(1400);
        if self.rng.chance(0.85) {
            self.sentence(if first { OPENERS } else { SHORT_OPENERS }, &mut s);
            s.push(' ');
        }
        let k = if first {
            1 + self.rng.chance(0.8) as usize
        } else {
            1
        };
        for j in self.rng.distinct(topic.explains.len(), k) {
            Self::join_space(&mut s);
            let t = topic.explains[j];
            self.fill(t, &mut s);
        }
        if self.rng.chance(if first { 0.85 } else { 0.6 }) {
            s.push_str("\n\n");
            self.sentence(STEP_INTROS, &mut s);
            s.push_str("\n\n");
            let k = if first {
                self.rng.range(3, 6)
            } else {
                self.rng.range(2, 4)
            } as usize;
            self.steps(topic.steps, k, &mut s);
        }
        if first && self.rng.chance(0.45) {
            s.push_str("\n\n");
            self.sentence(NOTES, &mut s);
        }
        if topic.code && self.rng.chance(if first { 0.6 } else { 0.25 }) {
            s.push_str("\n\nFor example:\n\n");
            s.push_str(self.rng.pick(CODE_SNIPPETS));
        }
        if self.rng.chance(0.8) {
            s.push_str("\n\n");
            self.sentence(CLOSINGS, &mut s);
        }
        s
    }

    fn followup_pair(&mut self, used: &[String]) -> (String, String) {
        for _ in 0..8 {
            let mut u = String::with_capacity(200);
            let retry = self.rng.chance(0.2);
            self.sentence(
                if retry {
                    RETRY_FOLLOWUPS
                } else {
                    FOLLOWUP_WRAPS
                },
                &mut u,
            );
            if self.rng.chance(0.6) {
                u.push(' ');
                self.sentence(DETAILS, &mut u);
            }
            if used.contains(&u) {
                continue;
            }
            let mut a = String::with_capacity(800);
            if retry {
                self.sentence(RETRY_ANSWERS, &mut a);
                a.push_str("\n\n");
                let topic = self.ctx.topic;
                let k = self.rng.range(2, 4) as usize;
                self.steps(topic.steps, k, &mut a);
                a.push_str("\n\n");
                self.sentence(CLOSINGS, &mut a);
            } else if self.rng.chance(0.4) {
                if self.rng.chance(0.6) {
                    self.sentence(SHORT_OPENERS, &mut a);
                    a.push(' ');
                }
                self.sentence(self.ctx.topic.answers, &mut a);
                if self.rng.chance(0.8) {
                    a.push_str("\n\n");
                    self.sentence(CLOSINGS, &mut a);
                }
            } else {
                a = self.answer(false);
            }
            return (u, a);
        }
        let mut u = String::from("One last question about my ");
        u.push_str(self.ctx.product);
        let _ = write!(
            u,
            " ({} of {}): is there anything else I should know?",
            used.len(),
            used.len() + 1
        );
        (u, self.answer(false))
    }

    fn tool_exchange(&mut self, msgs: &mut Vec<Msg>) {
        let d = self.ctx.domain;
        let mut id = String::from("call_");
        self.alnum(&mut id, 24, false);
        let (ask_pool, fname) = match d.company {
            "Brightpath" => (NET_TOOL_ASKS, "check_outage"),
            "Cobalt Cloud" => (API_TOOL_ASKS, "get_usage"),
            _ => (TOOL_ASKS, "lookup_order"),
        };
        let ident = match fname {
            "check_outage" => format!("{}", self.rng.range(10115, 99998)),
            "get_usage" => {
                let mut p = String::from("prj_");
                self.alnum(&mut p, 10, false);
                p
            }
            _ => self.ctx.order.clone(),
        };
        self.ctx.ident = ident.clone();
        let template = self.rng.pick(ask_pool);
        let ask = self.compose_user(Some(template));
        // the tool argument is whatever identifier the user gave
        let key = match fname {
            "check_outage" => "postcode",
            "get_usage" => "project_id",
            _ => "order_id",
        };
        let value = ident;
        msgs.push(Msg::new("user", ask));
        let mut calls = vec![Call {
            id: id.clone(),
            name: fname,
            args: format!("{{\"{key}\": \"{value}\"}}"),
        }];
        // a second, parallel call now and then
        let parallel = fname == "lookup_order"
            && d.tools.contains("check_refund_status")
            && self.rng.chance(0.2);
        if parallel {
            let mut id2 = String::from("call_");
            self.alnum(&mut id2, 24, false);
            calls.push(Call {
                id: id2,
                name: "check_refund_status",
                args: format!("{{\"order_id\": \"{value}\"}}"),
            });
        }
        let mut m = Msg::new("assistant", String::new());
        m.content = Content::Null;
        m.calls = calls.clone();
        msgs.push(m);
        let r = &mut self.rng;
        let weekday = r.pick(WEEKDAYS);
        let (result, answer) = match fname {
            "lookup_order" => {
                let status = r.pick(&[
                    "in_transit",
                    "out_for_delivery",
                    "delayed",
                    "at_pickup_point",
                ]);
                let eta = format!("2025-{:02}-{:02}", r.range(1, 12), r.range(1, 28));
                let result = format!(
                    "{{\"order_id\": \"{}\", \"status\": \"{}\", \"carrier\": \"{}\", \"tracking_number\": \"{}\", \"estimated_delivery\": \"{}\", \"items\": [\"{}\"]}}",
                    value, status, self.ctx.carrier, self.ctx.tracking, eta, self.ctx.product
                );
                let what = match status {
                    "in_transit" => "is in transit",
                    "out_for_delivery" => "is out for delivery today",
                    "delayed" => "is running a little late",
                    _ => "is waiting for you at a pickup point",
                };
                let answer = format!(
                    "Thanks for waiting! I found order **{}**: your {} {} with {}, and the estimated delivery date is {}.\n\nYou can follow it with tracking number {}. If it hasn’t arrived by {}, reply here and I’ll open an investigation with the carrier right away.",
                    value,
                    self.ctx.product,
                    what,
                    self.ctx.carrier,
                    eta,
                    self.ctx.tracking,
                    weekday
                );
                (result, answer)
            }
            "check_outage" => {
                let outage = r.chance(0.6);
                let eta = format!("{}:{:02}", r.range(12, 22), r.range(0, 3) * 15);
                let result = format!(
                    "{{\"postcode\": \"{}\", \"outage\": {}, \"cause\": \"{}\", \"estimated_fix\": \"{}\"}}",
                    value,
                    outage,
                    if outage {
                        "fibre cable damaged during roadworks"
                    } else {
                        "none"
                    },
                    if outage { eta.as_str() } else { "" }
                );
                let answer = if outage {
                    format!(
                        "Sorry about this — there is a confirmed outage at {}: a fibre cable was damaged during roadworks. Our engineers are on site and expect to fix it by about {} today.\n\nYou don’t need to do anything; the connection will come back by itself. Outages longer than 24 hours are credited automatically on your next bill.",
                        value, eta
                    )
                } else {
                    format!(
                        "Good news: there’s no known outage at {}, so the problem is most likely local.\n\n1. Restart the router by holding the power button for 10 seconds.\n2. Check that the fibre cable is clicked firmly into the **PON** port.\n3. Run the line check in the Brightpath app under **My services → Diagnostics**.\n\nIf the light is still red after that, reply here and I’ll book a technician.",
                        value
                    )
                };
                (result, answer)
            }
            _ => {
                let limit = r.pick(&[100_000u32, 250_000, 1_000_000]);
                let used = limit / 100 * r.range(70, 104);
                let result = format!(
                    "{{\"project_id\": \"{}\", \"requests_today\": {}, \"daily_limit\": {}, \"throttled_requests\": {}}}",
                    value,
                    used,
                    limit,
                    if used > limit {
                        used - limit
                    } else {
                        r.range(0, 400)
                    }
                );
                let answer = format!(
                    "Project `{}` has made {} requests today against a daily limit of {}. {}\n\nThe limit resets at midnight UTC. To avoid throttling, add backoff that honours the `Retry-After` header, or upgrade the plan in the Cobalt console under **Billing → Plan**.",
                    value,
                    used,
                    limit,
                    if used > limit {
                        "You’ve gone over the limit, which explains the 429 responses."
                    } else {
                        "You’re close to the limit, so bursts are being throttled."
                    }
                );
                (result, answer)
            }
        };
        let mut t = Msg::new("tool", result);
        t.call_id = Some(id);
        msgs.push(t);
        if calls.len() > 1 {
            let refund = format!(
                "{{\"order_id\": \"{}\", \"refund_status\": \"none\", \"amount\": 0}}",
                value
            );
            let mut t = Msg::new("tool", refund);
            t.call_id = Some(calls[1].id.clone());
            msgs.push(t);
        }
        msgs.push(Msg::new("assistant", answer));
    }

    fn example(&mut self) -> Example {
        self.new_ctx();
        let d = self.ctx.domain;
        let mut msgs: Vec<Msg> = Vec::with_capacity(10);
        let mut tools = None;
        if self.rng.chance(0.9) {
            let sys = if self.rng.chance(0.95) {
                d.systems[0]
            } else {
                d.systems[1]
            };
            msgs.push(Msg::new("system", sys.to_string()));
            self.stats.system += 1;
        }
        let turns = 1 + self.rng.weighted(&[28.0, 23.0, 18.0, 14.0, 10.0, 7.0]);
        let kind = self.rng.weighted(&[80.0, 5.0, 7.0, 6.0, 2.5]); // normal, tool, clarify, refusal, image
        let mut users: Vec<String> = Vec::new();
        match kind {
            1 => {
                self.tool_exchange(&mut msgs);
                tools = Some(d.tools);
                self.stats.tool_examples += 1;
            }
            3 => {
                let (ask, refusal) = self.rng.pick(REFUSALS);
                let u = self.compose_user(Some(ask));
                let mut a = String::new();
                if self.rng.chance(0.4) {
                    self.sentence(
                        &[
                            "Thanks for asking, {name}.",
                            "I understand why you’re asking.",
                            "Thanks for your message!",
                            "I see where you’re coming from.",
                        ],
                        &mut a,
                    );
                    a.push(' ');
                }
                self.fill(refusal, &mut a);
                if self.rng.chance(0.5) {
                    a.push_str("\n\n");
                    self.sentence(CLOSINGS, &mut a);
                }
                users.push(u.clone());
                msgs.push(Msg::new("user", u));
                msgs.push(Msg::new("assistant", a));
                self.stats.refusal += 1;
            }
            4 if !(self.dedup_safe && turns == 1) => {
                // content parts with an image: the first user message, or (dedup-safe,
                // where the first user message must be a string) the second one
                if self.dedup_safe {
                    let u = self.first_user();
                    users.push(u.clone());
                    msgs.push(Msg::new("user", u));
                    let a = self.answer(true);
                    msgs.push(Msg::new("assistant", a));
                }
                let mut m = Msg::new("user", String::new());
                m.content = self.image_parts();
                msgs.push(m);
                let a = self.rng.pick(IMAGE_ANSWERS).to_string();
                msgs.push(Msg::new("assistant", a));
                self.stats.multimodal += 1;
            }
            _ => {
                let u = self.first_user();
                users.push(u.clone());
                msgs.push(Msg::new("user", u));
                let a = self.answer(true);
                msgs.push(Msg::new("assistant", a));
            }
        }
        let mut done = msgs.iter().filter(|m| m.role == "user").count();
        while done < turns {
            let (u, a) = self.followup_pair(&users);
            users.push(u.clone());
            msgs.push(Msg::new("user", u));
            msgs.push(Msg::new("assistant", a));
            done += 1;
        }
        if kind == 2 {
            // the last assistant turn asks a clarifying question instead of answering
            let mut a = String::new();
            self.sentence(CLARIFY_LEADS, &mut a);
            a.push(' ');
            self.sentence(CLARIFY_QUESTIONS, &mut a);
            let last = msgs.len() - 1;
            msgs[last].content = Content::Text(a);
            self.stats.clarify += 1;
        }
        // an earlier assistant turn not trained on
        let text_assist: Vec<usize> = (0..msgs.len())
            .filter(|&i| msgs[i].role == "assistant" && matches!(msgs[i].content, Content::Text(_)))
            .collect();
        if text_assist.len() >= 2 && self.rng.chance(0.08) {
            let i = text_assist[self.rng.below(text_assist.len() - 1)];
            msgs[i].weight = Some(0);
            self.stats.weight0 += 1;
        }
        if self.rng.chance(0.01)
            && let Some(m) = msgs.iter_mut().find(|m| m.role == "user")
        {
            m.name = Some(
                self.rng
                    .pick(&["customer", "guest_user", "jose_m", "priya_k"]),
            );
        }
        let ascii = self.rng.chance(0.12);
        self.stats.ascii_escaped += ascii as usize;
        Example { msgs, tools, ascii }
    }

    fn image_parts(&mut self) -> Content {
        let t = self.rng.pick(IMAGE_TEXTS);
        let mut parts = vec![Part::Text(self.compose_user(Some(t)))];
        let k = if self.rng.chance(0.2) { 2 } else { 1 };
        for _ in 0..k {
            let mut url = String::from("https://cdn.example.com/uploads/IMG_");
            let _ = write!(url, "{}.jpg", self.rng.range(1000, 9999));
            let detail = if self.rng.chance(0.3) {
                Some(self.rng.pick(&["low", "high", "auto"]))
            } else {
                None
            };
            parts.push(Part::Image(url, detail));
        }
        Content::Parts(parts)
    }
}

// ------------------------------------------------------------------------ serialising ---

const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

fn write_str(out: &mut Vec<u8>, s: &str, ascii: bool) {
    out.push(b'"');
    if ascii && !s.is_ascii() {
        // like Python's json.dumps default (ensure_ascii): \uXXXX, surrogate pairs
        for c in s.chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                '\t' => out.extend_from_slice(b"\\t"),
                c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        let _ = write!(out, "\\u{:04x}", u);
                    }
                }
                c => out.push(c as u8),
            }
        }
    } else {
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if !NEEDS_ESCAPE[b as usize] {
                continue;
            }
            let esc: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            out.extend_from_slice(&bytes[start..i]);
            if esc.is_empty() {
                let _ = write!(out, "\\u{:04x}", b);
            } else {
                out.extend_from_slice(esc);
            }
            start = i + 1;
        }
        out.extend_from_slice(&bytes[start..]);
    }
    out.push(b'"');
}

fn write_msg(out: &mut Vec<u8>, m: &Msg, ascii: bool) {
    out.extend_from_slice(b"{\"role\": ");
    write_str(out, m.role, ascii);
    if let Some(name) = m.name {
        out.extend_from_slice(b", \"name\": ");
        write_str(out, name, ascii);
    }
    if let Some(id) = &m.call_id {
        out.extend_from_slice(b", \"tool_call_id\": ");
        write_str(out, id, ascii);
    }
    if let Some(d) = &m.draft {
        out.extend_from_slice(b", \"content\": ");
        write_str(out, d, ascii);
    }
    match &m.content {
        Content::Missing => {}
        Content::Null => out.extend_from_slice(b", \"content\": null"),
        Content::Text(t) => {
            out.extend_from_slice(b", \"content\": ");
            write_str(out, t, ascii);
        }
        Content::Parts(parts) => {
            out.extend_from_slice(b", \"content\": [");
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                match p {
                    Part::Text(t) => {
                        out.extend_from_slice(b"{\"type\": \"text\", \"text\": ");
                        write_str(out, t, ascii);
                        out.push(b'}');
                    }
                    Part::Image(url, detail) => {
                        out.extend_from_slice(
                            b"{\"type\": \"image_url\", \"image_url\": {\"url\": ",
                        );
                        write_str(out, url, ascii);
                        if let Some(d) = detail {
                            out.extend_from_slice(b", \"detail\": ");
                            write_str(out, d, ascii);
                        }
                        out.extend_from_slice(b"}}");
                    }
                }
            }
            out.push(b']');
        }
    }
    if !m.calls.is_empty() {
        out.extend_from_slice(b", \"tool_calls\": [");
        for (i, c) in m.calls.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(b"{\"id\": ");
            write_str(out, &c.id, ascii);
            out.extend_from_slice(b", \"type\": \"function\", \"function\": {\"name\": ");
            write_str(out, c.name, ascii);
            out.extend_from_slice(b", \"arguments\": ");
            write_str(out, &c.args, ascii);
            out.extend_from_slice(b"}}");
        }
        out.push(b']');
    }
    if let Some(w) = m.weight {
        let _ = write!(out, ", \"weight\": {w}");
    }
    out.push(b'}');
}

fn write_example(out: &mut Vec<u8>, ex: &Example) {
    out.extend_from_slice(b"{\"messages\": [");
    for (i, m) in ex.msgs.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        write_msg(out, m, ex.ascii);
    }
    out.push(b']');
    if let Some(t) = ex.tools {
        out.extend_from_slice(b", \"tools\": ");
        out.extend_from_slice(t.as_bytes());
    }
    out.push(b'}');
}

// ---------------------------------------------------------------------------- defects ---

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Defect {
    ExactDuplicate,
    NearDuplicate,
    TruncatedLine,
    TrailingComma,
    UnknownRole,
    MissingContent,
    ShortContent,
    LastNotAssistant,
    EmptyContent,
    AsAnAi,
    RefusalWithoutHelp,
    RepeatedKey,
    BlankLine,
}

use Defect::*;

/// (kind, relative weight, possible in --dedup-safe files)
const DEFECTS: &[(Defect, f64, bool)] = &[
    (ExactDuplicate, 20.0, true),
    (NearDuplicate, 15.0, true),
    (TruncatedLine, 6.0, false),
    (TrailingComma, 4.0, false),
    (UnknownRole, 6.0, true),
    (MissingContent, 6.0, false),
    (ShortContent, 8.0, true),
    (LastNotAssistant, 7.0, true),
    (EmptyContent, 6.0, true),
    (AsAnAi, 7.0, true),
    (RefusalWithoutHelp, 6.0, true),
    (RepeatedKey, 4.0, true),
    (BlankLine, 5.0, false),
];

impl Defect {
    fn label(self) -> &'static str {
        match self {
            ExactDuplicate => "exact_duplicate",
            NearDuplicate => "near_duplicate",
            TruncatedLine => "truncated_line",
            TrailingComma => "trailing_comma",
            UnknownRole => "unknown_role",
            MissingContent => "missing_content",
            ShortContent => "short_content",
            LastNotAssistant => "last_not_assistant",
            EmptyContent => "empty_content",
            AsAnAi => "as_an_ai",
            RefusalWithoutHelp => "refusal_without_help",
            RepeatedKey => "repeated_key",
            BlankLine => "blank_line",
        }
    }
}

const AS_AN_AI: &[&str] = &[
    "As an AI language model, I don’t have access to your account, but here is some general information. ",
    "As an AI, I can’t see your order, but I can explain how this usually works. ",
    "As an AI assistant, I don’t have personal experiences, but I understand this is frustrating. ",
];
const BARE_REFUSALS: &[&str] = &[
    "I cannot assist with that request.",
    "I cannot do that.",
    "I cannot provide that information.",
    "Sorry, I cannot share details about this topic.",
    "I cannot answer questions about orders.",
];
const SHORT_ANSWERS: &[&str] = &["ok", "OK", "Sure.", "Done!", "Yes.", "k", "ok 👍"];
const DRAFTS: &[&str] = &[
    "Let me check that for you.",
    "TODO: write answer",
    "(draft)",
    "Thanks for reaching out!",
];

fn last_assistant(ex: &mut Example) -> Option<&mut Msg> {
    ex.msgs
        .iter_mut()
        .rev()
        .find(|m| m.role == "assistant" && matches!(m.content, Content::Text(_)))
}

fn first_user_text(ex: &mut Example) -> Option<&mut String> {
    let m = ex.msgs.iter_mut().find(|m| m.role == "user")?;
    match &mut m.content {
        Content::Text(t) => Some(t),
        Content::Parts(p) => p.iter_mut().find_map(|p| match p {
            Part::Text(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// One small edit: a typo, two neighbouring words swapped, or one word inserted.
fn near_edit(rng: &mut Rng, text: &mut String) -> &'static str {
    let words: Vec<&str> = text.split(' ').collect();
    let how = rng.below(3);
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().count() >= 4 && words[i].chars().all(|c| c.is_alphabetic()))
        .collect();
    let what = if how == 0 && !long.is_empty() {
        let i = long[rng.below(long.len())];
        let mut cs: Vec<char> = out[i].chars().collect();
        let j = 1 + rng.below(cs.len() - 2);
        match rng.below(3) {
            0 if cs[j] != cs[j + 1] => cs.swap(j, j + 1),
            1 => {
                cs.remove(j);
            }
            _ => cs.insert(j, cs[j]),
        }
        out[i] = cs.into_iter().collect();
        "typo"
    } else if how == 1 && words.len() >= 4 {
        let i = 1 + rng.below(words.len() - 2);
        if out[i] != out[i - 1] {
            out.swap(i - 1, i);
            "swap"
        } else {
            out.insert(i, rng.pick(FILLERS).to_string());
            "insert"
        }
    } else {
        let i = 1 + rng.below(words.len().max(2) - 1);
        out.insert(i.min(out.len()), rng.pick(FILLERS).to_string());
        "insert"
    };
    let new = out.join(" ");
    if new == *text {
        text.push_str(" Thanks.");
    } else {
        *text = new;
    }
    what
}

// ------------------------------------------------------------------------------- main ---

struct Args {
    examples: u64,
    seed: u64,
    defects: f64,
    dedup_safe: bool,
    out: Option<String>,
    labels: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_dataset --examples N [--seed S] [--defects PCT] [--dedup-safe] [--labels FILE] [-o FILE]\n\
         \n  --examples N   example lines to write (blank lines come on top), default 1000\n\
         \x20 --seed S       PRNG seed, default 42\n\
         \x20 --defects PCT  percent of examples with one deliberate defect, default 3\n\
         \x20 --dedup-safe   only defects the lesson's deduplicate() can load\n\
         \x20 --labels FILE  write `line<TAB>defect<TAB>source_line` for every defective line\n\
         \x20 -o FILE        output file (default: stdout)"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        examples: 1000,
        seed: 42,
        defects: 3.0,
        dedup_safe: false,
        out: None,
        labels: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| {
            it.next().unwrap_or_else(|| {
                eprintln!("gen_dataset: {name} needs a value");
                usage()
            })
        };
        match arg.as_str() {
            "--examples" | "-n" => {
                a.examples = val("--examples")
                    .replace('_', "")
                    .parse()
                    .unwrap_or_else(|_| usage())
            }
            "--seed" => a.seed = val("--seed").parse().unwrap_or_else(|_| usage()),
            "--defects" => a.defects = val("--defects").parse().unwrap_or_else(|_| usage()),
            "--dedup-safe" => a.dedup_safe = true,
            "--labels" => a.labels = Some(val("--labels")),
            "-o" | "--output" => a.out = Some(val("-o")),
            "-h" | "--help" => usage(),
            other => {
                eprintln!("gen_dataset: unknown argument {other:?}");
                usage()
            }
        }
    }
    if !(0.0..=100.0).contains(&a.defects) {
        eprintln!("gen_dataset: --defects must be within 0..100");
        usage()
    }
    a
}

const RESERVOIR: usize = 4096;

fn main() -> io::Result<()> {
    let args = parse_args();
    let t0 = Instant::now();
    let sink: Box<dyn Write> = match &args.out {
        Some(p) if p != "-" => Box::new(File::create(p)?),
        _ => Box::new(io::stdout().lock()),
    };
    let mut w = BufWriter::with_capacity(1 << 20, sink);
    let mut labels = match &args.labels {
        Some(p) => {
            let mut l = BufWriter::new(File::create(p)?);
            writeln!(l, "line\tdefect\tsource_line")?;
            Some(l)
        }
        None => None,
    };
    let mut g = Gen::new(args.seed, args.dedup_safe);
    let kinds: Vec<(Defect, f64)> = DEFECTS
        .iter()
        .filter(|(_, _, safe)| *safe || !args.dedup_safe)
        .map(|(k, wt, _)| (*k, *wt))
        .collect();
    let weights: Vec<f64> = kinds.iter().map(|k| k.1).collect();
    let mut counts = vec![0usize; DEFECTS.len()];
    // earlier clean examples, for duplicates: (line number, example)
    let mut pool: Vec<(u64, Example)> = Vec::with_capacity(RESERVOIR);
    let mut seen_clean: u64 = 0;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut hashes: HashSet<u64> = HashSet::with_capacity(args.examples.min(1 << 24) as usize);
    let mut regenerated = 0u64;
    let mut line: u64 = 0;
    let mut bytes: u64 = 0;
    let p = args.defects / 100.0;

    for _ in 0..args.examples {
        buf.clear();
        let mut defect = if g.rng.chance(p) {
            Some(kinds[g.rng.weighted(&weights)].0)
        } else {
            None
        };
        if matches!(defect, Some(ExactDuplicate | NearDuplicate)) && pool.is_empty() {
            defect = Some(ShortContent);
        }
        let mut source = 0u64;
        match defect {
            Some(ExactDuplicate) => {
                let (l, ex) = &pool[g.rng.below(pool.len())];
                source = *l;
                write_example(&mut buf, ex);
            }
            Some(NearDuplicate) => {
                let (l, ex) = &pool[g.rng.below(pool.len())];
                source = *l;
                let mut ex = ex.clone();
                if let Some(t) = first_user_text(&mut ex) {
                    near_edit(&mut g.rng, t);
                }
                write_example(&mut buf, &ex);
            }
            _ => {
                let mut ex = g.example();
                if defect == Some(BlankLine) {
                    let blank: &[u8] = if g.rng.chance(0.8) { b"\n" } else { b"   \n" };
                    w.write_all(blank)?;
                    bytes += blank.len() as u64;
                    line += 1;
                    if let Some(l) = labels.as_mut() {
                        writeln!(l, "{line}\tblank_line\t")?;
                    }
                    counts[DEFECTS.iter().position(|d| d.0 == BlankLine).unwrap()] += 1;
                    defect = None;
                }
                match defect {
                    None => {
                        // no accidental duplicates: a clean example must differ from every
                        // earlier clean one (compared without \u escaping, so canonically)
                        loop {
                            buf.clear();
                            let ascii = std::mem::replace(&mut ex.ascii, false);
                            write_example(&mut buf, &ex);
                            ex.ascii = ascii;
                            let mut h = DefaultHasher::new();
                            buf.hash(&mut h);
                            if hashes.insert(h.finish()) {
                                break;
                            }
                            regenerated += 1;
                            ex = g.example();
                        }
                        if ex.ascii {
                            buf.clear(); // written again below, with \u escapes
                        }
                        // reservoir sample of clean examples (the line number is the next one)
                        seen_clean += 1;
                        if pool.len() < RESERVOIR {
                            pool.push((line + 1, ex.clone()));
                        } else {
                            let j = (g.rng.next_u64() % seen_clean) as usize;
                            if j < RESERVOIR {
                                pool[j] = (line + 1, ex.clone());
                            }
                        }
                    }
                    Some(UnknownRole) => {
                        if let Some(m) = last_assistant(&mut ex) {
                            m.role = "bot";
                        }
                    }
                    Some(MissingContent) => {
                        let user = g.rng.chance(0.5);
                        let m = if user {
                            ex.msgs.iter_mut().rev().find(|m| m.role == "user")
                        } else {
                            last_assistant(&mut ex)
                        };
                        if let Some(m) = m {
                            m.content = Content::Missing;
                        }
                    }
                    Some(ShortContent) => {
                        let s = g.rng.pick(SHORT_ANSWERS).to_string();
                        if let Some(m) = last_assistant(&mut ex) {
                            m.content = Content::Text(s);
                        }
                    }
                    Some(LastNotAssistant) => {
                        if g.rng.chance(0.5) {
                            ex.msgs.pop();
                        } else {
                            let t = g.rng.pick(&[
                                "Thanks, that answers my question!",
                                "Great, I’ll try that tonight and report back.",
                                "Perfect, thank you so much for your help.",
                            ]);
                            ex.msgs.push(Msg::new("user", t.to_string()));
                        }
                    }
                    Some(EmptyContent) => {
                        let s = if g.rng.chance(0.7) { "" } else { "   " }.to_string();
                        if g.rng.chance(0.7) {
                            if let Some(m) = last_assistant(&mut ex) {
                                m.content = Content::Text(s);
                            }
                        } else if let Some(m) = ex
                            .msgs
                            .iter_mut()
                            .rev()
                            .find(|m| m.role == "user" && matches!(m.content, Content::Text(_)))
                        {
                            m.content = Content::Text(s);
                        }
                    }
                    Some(AsAnAi) => {
                        let prefix = g.rng.pick(AS_AN_AI);
                        if let Some(m) = last_assistant(&mut ex)
                            && let Content::Text(t) = &mut m.content
                        {
                            t.insert_str(0, prefix);
                        }
                    }
                    Some(RefusalWithoutHelp) => {
                        let s = g.rng.pick(BARE_REFUSALS).to_string();
                        if let Some(m) = last_assistant(&mut ex) {
                            m.content = Content::Text(s);
                        }
                    }
                    Some(RepeatedKey) => {
                        let d = g.rng.pick(DRAFTS).to_string();
                        if let Some(m) = last_assistant(&mut ex) {
                            m.draft = Some(d);
                        }
                    }
                    _ => {}
                }
                if buf.is_empty() {
                    write_example(&mut buf, &ex);
                }
                match defect {
                    Some(TruncatedLine) => {
                        let mut cut = buf.len() * g.rng.range(20, 90) as usize / 100;
                        while cut > 0 && (buf[cut] & 0xC0) == 0x80 {
                            cut -= 1;
                        }
                        buf.truncate(cut);
                    }
                    Some(TrailingComma) => {
                        if g.rng.chance(0.5) {
                            // {"messages": [...],}
                            let end = buf.len() - 1;
                            buf.insert(end, b',');
                        } else {
                            // [..., {...},]
                            let close = buf.windows(2).rposition(|w| w == b"}]").unwrap();
                            buf.insert(close + 1, b',');
                        }
                    }
                    _ => {}
                }
            }
        }
        buf.push(b'\n');
        w.write_all(&buf)?;
        bytes += buf.len() as u64;
        line += 1;
        if let Some(d) = defect {
            counts[DEFECTS.iter().position(|x| x.0 == d).unwrap()] += 1;
            if let Some(l) = labels.as_mut() {
                if source > 0 {
                    writeln!(l, "{line}\t{}\t{source}", d.label())?;
                } else {
                    writeln!(l, "{line}\t{}\t", d.label())?;
                }
            }
        }
    }
    w.flush()?;
    if let Some(mut l) = labels {
        l.flush()?;
    }
    let secs = t0.elapsed().as_secs_f64();
    let total: usize = counts.iter().sum();
    let mut e = io::stderr().lock();
    writeln!(
        e,
        "gen_dataset: {} examples, {} lines, {} bytes ({:.1} MB, {:.0} B/example) in {:.2} s ({:.0} MB/s){}",
        args.examples,
        line,
        bytes,
        bytes as f64 / 1e6,
        bytes as f64 / args.examples.max(1) as f64,
        secs,
        bytes as f64 / 1e6 / secs,
        if args.dedup_safe { ", dedup-safe" } else { "" }
    )?;
    let f = &g.stats;
    writeln!(
        e,
        "  generated examples: system prompt {}, tool calls {}, image parts {}, weight 0 {}, clarifying {}, refusals with help {}, \\u-escaped {}",
        f.system, f.tool_examples, f.multimodal, f.weight0, f.clarify, f.refusal, f.ascii_escaped
    )?;
    if regenerated > 0 {
        writeln!(
            e,
            "  regenerated {regenerated} clean examples that repeated an earlier one by chance"
        )?;
    }
    writeln!(
        e,
        "  defects: {} ({:.2}% of examples)",
        total,
        100.0 * total as f64 / args.examples.max(1) as f64
    )?;
    for (i, (k, _, _)) in DEFECTS.iter().enumerate() {
        if counts[i] > 0 {
            writeln!(e, "    {:<22} {}", k.label(), counts[i])?;
        }
    }
    Ok(())
}
