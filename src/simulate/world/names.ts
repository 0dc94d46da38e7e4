// Word lists the world draws its people, passwords and catalogue from. All synthetic: first and
// last names are common ones, passwords are built from words and digits (never a real leak).
export const FIRST_NAMES: readonly string[] = [
  'james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara',
  'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'carlos', 'karen', 'daniel', 'lisa', 'matthew', 'nancy',
  'anthony', 'sandra', 'mark', 'ashley', 'paul', 'emily', 'steven', 'donna', 'andrew', 'michelle', 'kenji', 'priya',
  'lukas', 'anna', 'mohamed', 'fatima', 'olivier', 'chloe', 'raj', 'ananya', 'sven', 'ingrid', 'diego', 'lucia',
  'wei', 'mei', 'oliver', 'amelia', 'noah', 'isla', 'leon', 'mia', 'hugo', 'lea', 'arjun', 'sofia',
];

export const LAST_NAMES: readonly string[] = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez',
  'lopez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'thompson', 'white', 'harris',
  'clark', 'lewis', 'walker', 'hall', 'young', 'king', 'wright', 'mueller', 'schmidt', 'schneider', 'fischer', 'weber',
  'dubois', 'moreau', 'laurent', 'patel', 'sharma', 'singh', 'kumar', 'tanaka', 'suzuki', 'chen', 'wang', 'nguyen',
  'evans', 'roberts', 'hughes', 'murphy', 'kelly', 'rossi', 'russo', 'silva', 'santos', 'novak', 'kowalski',
];

export const MAIL_DOMAINS: readonly string[] = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com', 'gmx.de', 'orange.fr', 'hotmail.co.uk', 'web.de'];

/** Domains of breach lists: addresses that mostly never had an account here. */
export const LEAK_DOMAINS: readonly string[] = ['gmail.com', 'yahoo.com', 'hotmail.com', 'aol.com', 'mail.ru', 'yandex.ru', 'qq.com', 'outlook.com', 'live.com', 'comcast.net'];

export const WORDS: readonly string[] = [
  'blue', 'river', 'tiger', 'maple', 'sunset', 'falcon', 'winter', 'coffee', 'ocean', 'garden', 'silver', 'thunder',
  'purple', 'dragon', 'forest', 'rocket', 'summer', 'shadow', 'cherry', 'monkey', 'planet', 'harbor', 'violet', 'canyon',
  'pepper', 'marble', 'orbit', 'copper', 'meadow', 'lemon', 'storm', 'pixel', 'breeze', 'comet', 'walnut', 'willow',
];

/** Words of the weak passwords in breach lists. */
export const WEAK_WORDS: readonly string[] = [
  'sunshine', 'princess', 'football', 'baseball', 'welcome', 'dragon', 'master', 'monkey', 'letmein', 'shadow',
  'superman', 'iloveyou', 'trustno1', 'starwars', 'whatever', 'qwertyui', 'michelle', 'jordan23', 'charlie', 'freedom',
  'liverpool', 'chelsea', 'arsenal', 'pokemon', 'batman', 'hunter', 'ranger', 'soccer', 'hockey', 'killer',
];

export const SYMBOLS = '!@#$%&*?';

export const CAR_MODELS: readonly (readonly [string, string, string])[] = [
  ['Creta', 'Hyundai', 'Diesel'], ['Octavia', 'Skoda', 'Petrol'], ['Golf', 'Volkswagen', 'Petrol'], ['Model 3', 'Tesla', 'Electric'],
  ['Civic', 'Honda', 'Petrol'], ['Corolla', 'Toyota', 'Hybrid'], ['Focus', 'Ford', 'Diesel'], ['Leaf', 'Nissan', 'Electric'],
  ['3 Series', 'BMW', 'Diesel'], ['A4', 'Audi', 'Petrol'], ['Clio', 'Renault', 'Petrol'], ['Ioniq 5', 'Hyundai', 'Electric'],
];

export const PRODUCTS: readonly (readonly [string, number])[] = [
  ['Seat', 10], ['Wheel', 10], ['Brake pads (front)', 45], ['Oil filter', 12.5], ['Air filter', 18], ['Wiper blades', 22],
  ['Spark plug set', 34], ['Battery 70Ah', 129], ['Headlight bulb H7', 15], ['Cabin filter', 16], ['Engine oil 5W-30 5L', 39.9],
  ['Tyre 205/55 R16', 89], ['Brake disc', 64], ['Coolant 1L', 9.5], ['Floor mats', 29], ['Phone mount', 19],
];

export const POST_TOPICS: readonly string[] = [
  'Strange noise when braking', 'Best oil for winter?', 'Dashboard light stays on', 'Recommend a mechanic near me',
  'Battery drains overnight', 'Tyre pressure sensor fault', 'Road trip checklist', 'Charging tips for the Leaf',
  'Wipers squeak', 'Service interval question', 'Selling my old seats', 'Fuel economy dropped', 'AC blows warm air',
];

export const POST_SENTENCES: readonly string[] = [
  'Has anyone else seen this after the last service?', 'It started last week on the motorway.', 'Any advice is welcome.',
  'The workshop said it is normal but I am not sure.', 'I tried the usual fixes without luck.', 'Thanks in advance!',
  'Happy to share photos if that helps.', 'It only happens when the engine is cold.', 'Mine is the 2019 model.',
  'Would a software update fix it?', 'Cost me a fortune last time.', 'Update: it went away after a reset.',
];

export const PROBLEMS: readonly string[] = [
  'Brake pads worn, need replacement', 'Engine warning light on', 'Clutch slipping in third gear', 'Annual service due',
  'Battery not holding charge', 'Check AC compressor', 'Rattle from rear suspension', 'Replace cabin filter and wipers',
];
