/**
 * Word lists that keep name detection precise: capitalised words that follow "Hi", "I'm", "Thanks," and the like
 * without being names, and brands or products that customers greet or thank.
 */

/** Lower-case words that are never taken as a person's name after a cue. */
export const NOT_NAMES: ReadonlySet<string> = new Set(
  `a an the and or but if so to of in on at by for from with without about into over after before again also just
  still not no yes yeah yep nope ok okay sure please pls plz thanks thank thx ty cheers hi hello hey hiya dear morning
  good afternoon evening night day today tomorrow yesterday there here where when what who why how which this that
  these those it its i i'm im me my mine we our us you your yours u ur y'all yall ya they them their he she his her
  all everyone everybody anyone anybody someone somebody nobody none team teams guys gals folks people friends friend
  mr mrs ms mx dr prof sir sirs madam mam maam ma'am miss lady ladies gentlemen gents mate mates buddy bro dude man fam love hun babe
  support service services customer customers client clients care help helpdesk desk admin administrator
  administrators manager managers staff crew agent agents rep reps representative billing sales accounts account
  department dept shop store company moderator mods devs developers developer official officer officers
  very really so too quite totally truly just only even ever never always already almost
  having trying looking getting writing contacting reaching going coming waiting hoping wondering following
  sending asking calling emailing messaging using experiencing facing unable able
  sorry sure glad happy fine done back new old great nice awesome amazing terrible awful annoyed frustrated angry
  upset disappointed confused concerned worried tired sick busy stuck lost locked unhappy pleased excited grateful
  interested afraid aware ridiculous unacceptable insane crazy absurd outrageous pathetic useless broken wrong right correct incorrect weird strange odd certain curious serious disgusted furious livid shocked surprised devastated
  not also now then well much many more most less least other another same such each every both either neither
  monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
  october november december christmas easter weekend
  english spanish french german italian dutch american british european canadian australian
  world earth internet online website web app apps site page email mail phone order orders product products item
  items problem issue issues question questions request update account password login
  silver gold platinum bronze vip premium plus member members basic standard
  unfortunately fortunately actually honestly basically currently recently finally luckily hopefully sadly
  apparently obviously seriously literally clearly frankly thankfully personally normally usually generally
  additionally alternatively meanwhile however otherwise therefore anyway btw lol omg
  regards best sincerely yours kind warm many thanks wishes
  can could would should will shall may might must do does did done have has had is are was were be been being
  let lets let's pardon excuse attention attn urgent important note fyi ps re fw fwd
  brilliant perfect excellent fantastic lovely wonderful rubbish typical unbelievable incredible nevermind whatever
  bye goodbye later soon asap sigh ugh wow yay hooray congrats congratulations welcome noted understood agreed
  confirmed resolved fixed solved closed pending cancelled canceled refunded delivered shipped received stop cancel
  unsubscribe stay safe blessings merry xoxo xx
  ltd limited inc corp corporation llc llp plc gmbh ag sa bv nv co company group holdings bank airways airlines
  insurance partners associates solutions systems technologies international industries enterprises foundation trust
  university college school hospital clinic council ministry
  feedback form forms portal journey experience success satisfaction survey relations relationship profile details
  data number numbers id reference centre center hub dashboard settings list guide benefits rights charter lounge
  wifi area zone panel section rewards points club card cards pass ticket tickets info information privacy policy
  terms conditions agreement contract protection program programme plan scheme status tier
  maybe perhaps probably possibly definitely absolutely exactly indeed anyways regardless nevertheless nonetheless`.split(/\s+/),
);

/**
 * Brands, products and assistants that look like names after a greeting ("Hi Amazon", "Hey Siri", "Thanks, Spotify")
 * or in @handles. Matched case-insensitively against the whole word or handle.
 */
export const BRANDS: ReadonlySet<string> = new Set(
  `amazon apple google microsoft windows xbox playstation sony samsung nintendo steam valve epic rockstar mojang
  minecraft youtube twitter facebook instagram whatsapp tiktok snapchat linkedin reddit pinterest spotify netflix hulu
  disney hbo twitch zoom skype slack dropbox adobe yahoo gmail outlook paypal venmo ebay etsy shopify walmart target
  costco bestbuy ikea tesco sainsburys asda argos boots nike adidas puma zara uniqlo primark gap hm levis starbucks
  mcdonalds chipotle dominos uber lyft airbnb doordash deliveroo grubhub instacart fedex ups usps dhl royalmail hermes
  evri dpd comcast xfinity verizon att sprint tmobile vodafone spectrum virgin bt sky ee o2 three delta united
  southwest jetblue ryanair easyjet lufthansa emirates qantas chase wellsfargo citi barclays hsbc lloyds natwest
  santander monzo revolut visa mastercard amex discover godaddy dell hp lenovo asus acer logitech fitbit garmin
  photoshop lightroom premiere primevideo creativecloud xiaomi huawei oneplus motorola nokia lg roku firestick bbc cnn wwe espn nfl nba
  tunecore soundcloud discord whatsapp telegram signal tesla ford toyota honda alexa siri cortana bixby echo kindle prime iphone ipad mac macbook airpods pixel galaxy
  chromebook android ios icloud itunes office excel word teams onedrive gdrive threadcount northwind parley
  britishairways airfrance klm iberia aerlingus americanair aircanada westjet virginatlantic turkishairlines
  wizzair vueling aeromexico avianca etihad qatarairways singaporeair cathaypacific amtrak eurostar trainline
  expedia bookingcom tripadvisor skyscanner bankofamerica capitalone usbank pnc tdbank nationwide halifax rbs
  abnamro rabobank bnp societegenerale deutschebank commerzbank n26 klarna stripe cashapp coinbase binance
  telekom telefonica movistar bouygues swisscom proximus kpn ziggo optus telstra telus currys johnlewis
  marksandspencer ocado aldi lidl carrefour mediamarkt zalando asos shein temu aliexpress`.split(/\s+/),
);

/** Handle endings that mark a support or company account whatever comes before ("RockstarSupport", "PNCBank_Help"). */
export const SUPPORT_SUFFIX = /(?:support|help|helps|care|cares|service|services|official|hq|news|status|helpdesk|team|creators|world|studios|press|media|bank|banking|airways|airlines|airline|insurance|energy|railways?|telecom|hotels|cruises)$/;

/** Company endings that must start a capitalised part of the handle ("SouthwestAir", "Acme_Air"; not "Blair"). */
export const CAMEL_COMPANY_SUFFIX = /(?:\p{Ll}|\d|_)(?:Air|Rail|Bank|Mobile|Telecom|Group|Inc|Ltd|Corp|HQ|Co)$|_(?:air|rail|bank|inc|ltd|corp|co)$/u;

/** Handle endings that mark a company account when what comes before is a brand ("SouthwestAir" → "southwest"). */
export const BRAND_SUFFIX = /^(.+?)(?:air|airways|airlines|tweets|app|store|shop|global|online|mobile|games|tv)$/;
