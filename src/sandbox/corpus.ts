import type { Rng } from './rng.js';

/** Word lists the dataset generator draws from, and the helpers that fill its templates. */

export const FIRST_NAMES = [
  'John', 'Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Ethan', 'Sophia', 'Mason', 'Isabella', 'Lucas', 'Mia',
  'Aiden', 'Harper', 'Elijah', 'Amelia', 'James', 'Evelyn', 'Benjamin', 'Abigail', 'Priya', 'Arjun', 'Wei',
  'Mei', 'Hiroshi', 'Yuki', 'Omar', 'Fatima', 'Carlos', 'Lucia', 'Mateo', 'Valentina', 'Kwame', 'Amara',
  'Dmitri', 'Anya', 'Sean', 'Niamh', 'Lars', 'Ingrid',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Lee', 'Walker', 'Hall', 'Young', 'King', 'Patel', 'Sharma', 'Chen', 'Wang', 'Tanaka', 'Sato', 'Haddad',
  'Okafor', 'Mensah', 'Ivanov', "O'Brien", 'Larsen', 'Nguyen', 'Kim', 'Silva',
] as const;

export const SPANISH_FIRST_NAMES = [
  'Camila', 'Sofía', 'Valentina', 'Martina', 'Isidora', 'Catalina', 'Florencia', 'Antonia', 'Josefa', 'Javiera',
  'Benjamín', 'Vicente', 'Martín', 'Matías', 'Joaquín', 'Agustín', 'Tomás', 'Cristóbal', 'Sebastián', 'Diego',
  'Felipe', 'Ignacio', 'Francisca', 'Fernanda', 'Constanza', 'Gabriel', 'Lucas', 'Renata', 'Emilia', 'Maximiliano',
] as const;

export const SPANISH_LAST_NAMES = [
  'González', 'Muñoz', 'Rojas', 'Díaz', 'Pérez', 'Soto', 'Contreras', 'Silva', 'Martínez', 'Sepúlveda',
  'Morales', 'Rodríguez', 'López', 'Fuentes', 'Hernández', 'Torres', 'Araya', 'Flores', 'Espinoza', 'Valenzuela',
  'Castillo', 'Tapia', 'Reyes', 'Gutiérrez', 'Castro', 'Vargas', 'Álvarez', 'Vásquez', 'Sánchez', 'Fernández',
] as const;

/** One Avaamo agent (virtual assistant) persona: what users ask it and how it answers. */
export interface AgentPersona {
  display_name: string;
  description: string;
  skills: readonly string[];
  /** A user query and the one-to-three responses the agent gives. `{n}` becomes a random number. */
  exchanges: readonly (readonly [string, readonly string[]])[];
  /**
   * Queries the agent cannot handle, one list per intent: the wordings users
   * type for it, as they type them (case, punctuation, accents and
   * contractions vary; a word more or less). The first names the intent.
   */
  unhandled: readonly (readonly string[])[];
  sms: readonly string[];
}

const FALLBACK = "Sorry, I didn't quite get that. Could you rephrase, or type 'agent' to talk to a person?";
export const FALLBACK_REPLY = FALLBACK;

const SMALLTALK: readonly (readonly [string, readonly string[]])[] = [
  ['hi', ['Hi there! How can I help you today?']],
  ['hello', ['Hello! What can I do for you?']],
  ['thanks', ["You're welcome! Is there anything else I can help with?"]],
  ['thank you so much', ['Happy to help. Have a great day!']],
];

export const PERSONAS: readonly AgentPersona[] = [
  {
    display_name: 'Acme Retail Assistant',
    description: 'Order tracking, returns and refunds for the Acme online store.',
    skills: ['Order status', 'Returns and refunds', 'Store locator', 'Smalltalk', 'Live agent handoff'],
    exchanges: [
      ...SMALLTALK,
      ['track my order', ['Sure, let me check. Could you share your order number?']],
      ['my order number is A{n}', ['Thanks! Order A{n} shipped yesterday and should arrive within 2 business days.', 'You can track it here: https://acme.example/track/A{n}']],
      ['I want to return a jacket', ['No problem. Items can be returned within 30 days of delivery.', 'Would you like me to email you a prepaid return label?']],
      ['yes please send the label', ['Done! The return label is on its way to your inbox.']],
      ['when will I get my refund?', ['Refunds are issued within 5-7 business days after we receive the item.']],
      ['refund status for order A{n}', ['Your refund of ${n}.99 for order A{n} was processed today. It may take 3-5 days to show on your statement.']],
      ['can I change my delivery address?', ['I can update the address while the order has not shipped yet.', 'Please type the new address in one message.']],
      ['do you have this in size M?', ['Let me check stock for you.', 'Size M is available in 3 colours. Shall I add it to your cart?']],
      ['cancel my order', ['I can help with that. Orders can be cancelled until they are packed.', 'Your cancellation request has been submitted.']],
    ],
    unhandled: [
      ['Where is my order?', 'where is my order', 'WHERE IS MY ORDER!!', "where's my order", 'where is my order please'],
      ['Where is my refund?', 'where is my refund', "where's my refund??"],
      ['¿Dónde está mi pedido?', 'donde esta mi pedido', 'Donde está mi pedido'],
      ['can you price match amazon', 'Can you price-match Amazon?', 'can you price match amazon please'],
      ['my parcel was left with a neighbour who moved'],
      ['is the black friday sale on in june', 'Is the Black Friday sale on in June?'],
      ['gift wrap for a cat', 'gift  wrap for a   cat'],
      ['I was charged twice??', 'i was charged twice', 'I was CHARGED TWICE!'],
      ['do you ship to antarctica', 'Do you ship to Antarctica?'],
      ['what is your ceo email', "what's your CEO's email?"],
      ['the zip on my jacket broke after the warranty'],
      ['Tel me about your product ', 'Tel me about your product!'],
      ['combine two orders into one box', 'can you combine two orders into one box'],
    ],
    sms: [
      'Acme: your order A{n} has shipped. Track it at https://acme.example/t/{n}',
      'Acme: your refund of ${n}.00 has been processed.',
      'Acme: your return label for order A{n} is ready. Reply STOP to opt out.',
      'Acme: your order A{n} was delivered. Tell us how we did: https://acme.example/r/{n}',
    ],
  },
  {
    display_name: 'Acme Returns Bot',
    description: 'Self-service returns, exchanges and warranty claims.',
    skills: ['Returns', 'Exchanges', 'Warranty claims', 'Smalltalk'],
    exchanges: [
      ...SMALLTALK,
      ['start a return', ['Sure. Which order is this about?']],
      ['order R{n}', ['I found order R{n} with 2 items. Which item would you like to return?']],
      ['exchange for a bigger size', ['Exchanges are free. I have reserved the larger size for you.', 'Drop the original item at any store or courier point within 14 days.']],
      ['is my item under warranty?', ['Most items carry a 2-year warranty. Please share the serial number.']],
      ['serial number SN{n}', ['Thanks. SN{n} is covered until next year. I have opened warranty claim W{n}.']],
      ['how long does an exchange take?', ['Exchanges usually ship within 48 hours after the return is scanned.']],
    ],
    unhandled: [
      ['return something I bought in 2009', 'Return something I bought in 2009?'],
      ['my dog ate the receipt', 'My dog ate the receipt!!'],
      ['exchange for a different brand', 'can I exchange for a different brand'],
      ['why is the return portal purple'],
      ['refund to a different card please', 'Refund to a different card, please.'],
      ['item arrived in pieces again', "item's arrived in pieces again"],
    ],
    sms: [
      'Acme Returns: we received your return R{n}. Your refund will follow in 5-7 days.',
      'Acme Returns: warranty claim W{n} was approved.',
      'Acme Returns: your exchange for order R{n} has shipped.',
    ],
  },
  {
    display_name: 'Clinic Appointments',
    description: 'Books, moves and reminds patients of clinic appointments.',
    skills: ['Book appointment', 'Reschedule', 'Clinic hours', 'Smalltalk', 'Live agent handoff'],
    exchanges: [
      ...SMALLTALK,
      ['book an appointment', ['Sure! Which department: general practice, dermatology or physiotherapy?']],
      ['general practice', ['The next available slots are tomorrow at 09:30, 11:00 and 15:45.', 'Reply with the time that suits you.']],
      ['11:00', ['You are booked for tomorrow at 11:00 with Dr. Patel. Confirmation #{n}.']],
      ['reschedule my appointment', ['I can do that. What is your confirmation number?']],
      ['confirmation {n}', ['Found it. Would you prefer a morning or an afternoon slot?']],
      ['what are your opening hours?', ['We are open Monday to Friday 8:00-18:00 and Saturday 9:00-13:00.']],
      ['cancel my appointment', ['Your appointment has been cancelled. You will receive a confirmation SMS.']],
    ],
    unhandled: [
      ['is this rash serious', 'Is this rash serious?'],
      ['can I bring my parrot', "can't I bring my parrot"],
      ['do you accept bitcoin', 'Do you accept Bitcoin?'],
      ['I need a sick note for yesterday', "I'd need a sick note for yesterday"],
      ['parking validation?', 'Parking validation'],
      ['which doctor is the nicest'],
    ],
    sms: [
      'New Message - Appt Reminder - {name} has an appointment on {date} at {time}',
      'Clinic: your appointment #{n} is confirmed for {date} at {time}. Reply C to cancel.',
      'Clinic: your appointment #{n} was cancelled.',
      'Clinic: please arrive 10 minutes early for your appointment on {date}.',
    ],
  },
  {
    display_name: 'Banking Helper',
    description: 'Card, balance and transfer questions for retail banking customers.',
    skills: ['Card services', 'Balances', 'Transfers', 'Fraud alerts', 'Smalltalk'],
    exchanges: [
      ...SMALLTALK,
      ['block my card', ['I have temporarily blocked your card ending in {n}.', 'A replacement will be posted within 5 business days.']],
      ['what is my balance?', ['For your security, please verify with the one-time code we just sent.']],
      ['code {n}', ['Thanks, you are verified. Your current account balance is ${n}.42.']],
      ['transfer limit', ['Your daily transfer limit is $5,000. You can raise it in the app under Settings > Limits.']],
      ['I do not recognise a transaction', ['I am sorry to hear that. I have flagged the transaction and a fraud specialist will contact you.']],
      ['open a savings account', ['You can open a savings account in the app in about 5 minutes.', 'Would you like the link?']],
    ],
    unhandled: [
      ['mortgage for a boat house', 'Mortgage for a boat-house?'],
      ['can you lend me 20 bucks', 'Can you lend me 20 bucks?'],
      ['why was my loan declined', 'Why was my loan DECLINED', 'Why was my loan declined?!'],
      ['change the name on a joint account to my cat'],
      ['interest rate in 2035', 'Interest rate in 2035?'],
    ],
    sms: [
      'Bank: your one-time code is {n}. Never share it with anyone.',
      'Bank: a payment of ${n}.00 was made with your card. Not you? Call us.',
      'Bank: your new card has been dispatched.',
    ],
  },
  {
    display_name: 'Travel Desk',
    description: 'Flight changes, hotel bookings and travel policy for employees.',
    skills: ['Flights', 'Hotels', 'Travel policy', 'Smalltalk'],
    exchanges: [
      ...SMALLTALK,
      ['change my flight', ['Sure. What is your booking reference?']],
      ['booking TX{n}', ['Booking TX{n}: I can move you to the 17:40 flight for no fee.', 'Shall I confirm the change?']],
      ['book a hotel in Berlin', ['Here are three hotels within the travel policy near your office.']],
      ['what is the per diem for London?', ['The London per diem is GBP 75 for meals and incidentals.']],
      ['do I need approval for business class?', ['Business class needs manager approval for flights over 6 hours.']],
    ],
    unhandled: [
      ['can I bring my surfboard', 'Can I bring my surfboard?'],
      ['upgrade me because I am tall', "upgrade me because I'm tall"],
      ['book a train on mars', 'Book a train on Mars'],
      ['refund my visa fee from 2019'],
      ['lounge access for my mother', 'Lounge access for my mother?'],
    ],
    sms: [
      'Travel Desk: your flight TX{n} departs at {time} from gate B{n}.',
      'Travel Desk: your hotel booking H{n} is confirmed.',
      'Travel Desk: flight TX{n} is delayed. New departure {time}.',
    ],
  },
  {
    display_name: 'HR Internal Assistant',
    description: 'Payroll and leave questions for employees (restricted).',
    skills: ['Payroll', 'Leave'],
    exchanges: [['how many leave days do I have?', ['You have {n} days of annual leave left.']]],
    unhandled: [['raise please', 'Raise, please!']],
    sms: ['HR: your payslip is available.'],
  },
];

/** Rich responses (content_type other than text), as the Message API stores them. */
export const RICH_RESPONSES: readonly { content_type: string; message: Record<string, unknown> }[] = [
  {
    content_type: 'ListView',
    message: {
      list_view: {
        top_element_style: 'compact',
        items: [
          { title: 'Track an order', subtitle: 'Where is my parcel?', links: [{ type: 'post_message', title: 'Track', value: 'track order' }] },
          { title: 'Returns', subtitle: 'Send something back', links: [{ type: 'post_message', title: 'Start a return', value: 'start a return' }] },
          { title: 'Talk to a person', subtitle: 'Mon-Fri 8-18', links: [{ type: 'post_message', title: 'Agent', value: 'agent' }] },
        ],
      },
    },
  },
  {
    content_type: 'card',
    message: {
      card: {
        title: 'How was our service?',
        inputs: [{ title: 'How was our service?', type: 'data_capture', uuid: 'comments' }],
      },
    },
  },
  {
    content_type: 'quick_reply',
    message: {
      quick_reply: {
        content: 'Was this helpful?',
        links: [
          { type: 'post_message', title: 'Yes', value: 'yes' },
          { type: 'post_message', title: 'No', value: 'no' },
        ],
      },
    },
  },
];

export const LIVE_AGENT_LINES = [
  'Hi, this is {agent} from the support team. I am looking into this for you now.',
  'Thanks for waiting. I have escalated this and you will hear back within 24 hours.',
  'I have applied a courtesy credit to your account. Anything else I can do?',
] as const;

export const WEB_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
] as const;

export const TIME_ZONES: readonly (readonly [string, number])[] = [
  ['America/New_York', -300],
  ['America/Chicago', -360],
  ['America/Los_Angeles', -480],
  ['Europe/London', 0],
  ['Europe/Berlin', 60],
  ['Asia/Kolkata', 330],
  ['Asia/Tokyo', 540],
  ['Australia/Sydney', 600],
];

export const AREA_CODES = ['212', '312', '415', '617', '646', '702', '713', '805', '917', '206'] as const;

/** A template with its `{n}` placeholders (order and case numbers) filled. */
export function fill(template: string, n: string): string {
  return template.replaceAll('{n}', n);
}

/** A US number in E.164 form, from one of the corpus's area codes. */
export function e164(rng: Rng): string {
  return `+1${rng.pick(AREA_CODES)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
}
