/**
 * Words of requests for a person in the languages Parley answers (English, Spanish, French, German, Portuguese,
 * Italian, Dutch), lower-case and without accents (as `words()` leaves them). Grouped by the role they play in a
 * request; {@link ./request-detector.ts} combines them.
 */

const list = (text: string): ReadonlySet<string> => new Set(text.trim().split(/\s+/));

/** Several-word expressions folded into one token before tagging (after typo correction). Order matters. */
export const PHRASES: readonly [RegExp, string][] = [
  [/\b(customer|client|costumer|custumer|consumer)s? (service|services|support|assistance|care|team|helpdesk|success)\b/g, 'svc'],
  [/\b(support|service|care|help) (team|desk|staff|department|centre|center)\b|\bhelpdesk\b/g, 'svc'],
  [/\b(atencion|servicio) al cliente\b|\bservicio (tecnico|de atencion)\b/g, 'svc'],
  [/\bservice (client|clients|clientele|apres vente)\b|\bsav\b/g, 'svc'],
  [/\b(servizio|assistenza) clienti\b/g, 'svc'],
  [/\batendimento( ao cliente| humano)?\b|\bsac\b/g, 'svc'],
  [/\b(get|getting|got to get|be|put me|keep) in touch\b|\bin touch with\b/g, 'contact'],
  [/\b(en|in|em) (contacto|contact|contatto|contato|relation|verbindung)\b/g, 'contact'],
  [/\b(put|patch|get|getting) (me |us )?(through|thru)\b/g, 'connect'],
  [/\bzet (me|mij) door\b|\bstell\w* (mich|uns) durch\b/g, 'connect'],
  [/\bhuman beings?\b|\bessere umano\b|\bser humano\b|\bechten? mensch\w*\b/g, 'human'],
  [/\bquelqu un\b|\bsome one\b/g, 'someone'],
  [/\b(human|umana|humana|humaine|menschliche|menselijke) (assistance|assistenza|asistencia|assistencia|help|support|hilfe|hulp|ayuda|aiuto|ajuda|aide)\b/g, 'agent'],
  [/\b(assistenza|asistencia|assistencia|assistance|aide|ajuda|ayuda|aiuto|atencion|atendimento|hilfe|hulp) (umana|humana|humaine|humano|menschliche|menselijke)\b/g, 'agent'],
  [/\b(live|real|human) (chat )?(agent|person|rep|representative|operator)s?\b/g, 'agent'],
  [/\b(i d|id|i would|would|we d|d) (like|love|prefer|rather)( to have)?\b|\b(can|could|may) (i|we) (have|get|please have|please get)\b/g, 'want'],
  [/\b(give|get) (me|us)\b|\bgimme\b|\bme gustaria\b|\bj aimerais\b|\bhatte gern\w*\b/g, 'want'],
  [/\bpor favor\b|\bper favore\b|\bs il (te|vous) plait\b|\bsil vous plait\b/g, 'please'],
];

/** Verbs of getting in contact with someone ("talk", "hablar", "sprechen", "passez-moi"). */
export const CONTACT_VERBS = list(`
  talk talking speak speaking chat chatting contact contacting reach reaching connect connecting escalate converse
  hablar charlar chatear conversar comunicar comunicarme comuniqueme comunicame contactar contactarme pasame pasarme
  ponme ponerme pongame conectame conectarme conectar transfiereme transferirme derivame derivarme
  parler parle discuter contacter joindre connecter echanger
  sprechen reden chatten verbinden verbinde kontaktieren erreichen weiterleiten durchstellen
  falar conversar contatar conectar conecta
  parlare chattare conversare contattare passami trasferiscimi collegami collegare
  praten spreken chatten verbind verbinden doorverbinden bereiken
`);

/** Verbs that only ask for a person with "me"/"us" ("transfer me to", not "transfer money to someone"). */
export const HANDING_VERBS = list(`
  transfer forward redirect pass put switch send
  stellen
  pasa pasar pasen transferir
  passe passez passer transferer transferez
  passa passar transfere
  passi passare trasferire
`);

/** Words for "me"/"us" that let a {@link HANDING_VERBS} verb ask for a person. */
export const ME = list('me us mich uns moi nous mi mij ons nos m');

/** Staff nouns: a request can name them alone ("agent please"), after "want" or after a contact verb. */
export const STAFF = list(`
  human humans person agent agents representative representatives rep reps operator operators advisor adviser advisors
  advisers manager supervisor staff employee assistant specialist consultant
  persona humano humana agente operador operadora asesor asesora representante ejecutivo encargado
  humain humaine personne conseiller conseillere operateur operatrice interlocuteur superviseur
  mensch menschen agenten mitarbeiter mitarbeiterin berater beraterin ansprechpartner sachbearbeiter kundenberater
  pessoa atendente atendentes consultor
  umano operatore operatrice consulente addetto
  mens medewerker medewerkster persoon adviseur
`);

/** "Someone", which asks for a person only after a contact verb ("talk to someone", not "a card for someone"). */
export const SOMEONE = list('someone somebody anyone anybody people alguien jemand jemanden jemandem alguem qualcuno iemand');

/** Customer service, as folded by {@link PHRASES} (`svc`), and the bare words for support. */
export const SERVICE = list('svc support soporte suporte kundendienst kundenservice klantenservice klantendienst');

/** Wanting or needing ("want", "quiero", "möchte"); `nodig` is Dutch's "need" after the noun. */
export const WANT = list(`
  want wanna need needs request demand prefer
  quiero quisiera necesito deseo requiero dame pido
  veux voudrais souhaite souhaiterais exige besoin
  will mochte moechte brauche verlange
  quero queria preciso gostaria desejo
  voglio vorrei bisogno desidero chiedo
  wil
`);

/** Articles, adjectives and politeness that may stand between the words of a request. */
export const FILLER = list(`
  a an the one some real actual live human proper another your of from please pls plz now asap immediately right away
  directly just genuine thanks thx ty damn damned goddamn fucking fuckin freaking bloody effing
  un una uno el la de verdad real humano humana ya ahora otro porfa porfavor vivo
  une le l d du vrai vraie vraiment humain reel reelle autre maintenant svp stp tout suite
  einen einem eine ein einer den dem der die echten echter echte richtigen menschlichen menschlicher anderen jetzt sofort bitte
  um uma o da do verdade outro agora ja
  il lo vero vera reale umano umana altro ora subito di perfavore
  een het echt menselijke andere nu direct aub alstublieft graag
`);

/** Words that may join a contact verb to whom it reaches ("talk to", "hablar con", "sprechen mit", "me passa para"). */
export const BRIDGE = list(`
  to with through thru me us you u ya con col al avec au aux a mit met com para pra pro per mich moi mi mij nos uns ons m
  sie du straight en in contact door durch zu zum zur naar nach vers hacia wth wiht whit wirh wit tp
`);

/** Words between "someone" and a later contact verb ("someone I can talk to", "jemandem sprechen", "alguien con quien pueda hablar"). */
export const RELATIVE = list(`
  i we can could may to who whom that con quien que mit dem der ich met wie ik kan com quem eu possa posso cui puedo pueda
  qui je puisse peux avec with kann kunnen mag
`);

/**
 * Real words one letter away from a lexicon word; never corrected ("stuff" is not "staff", "advise" not "advisor").
 */
export const NOT_TYPOS = list(`
  stuff advise advice managed manages react teach cheat humane agenda peach beach speck spear stalk chats chart
  charts personal personally meant means tall talks speaks reached contacts connects agents humans persons parlez person persona parle
`);
