/**
 * ArguAna-style texts for the near-duplicate rule: a query that is an argument (with its title
 * in front, so the exact check misses its copy in the corpus), its gold counter-argument, and the
 * kinds of copies of them found in real corpora.
 */
export const QUERY_TITLE = "Ban junk food adverts aimed at children";
export const QUERY_ARGUMENT =
  "Banning junk food advertising to children protects their health. Children cannot tell advertising from " +
  "information, and the food industry spends billions targeting them with sugary snacks. A ban would reduce " +
  "childhood obesity, as it did in Quebec, where fast food consumption fell after advertising to children was prohibited.";
/** The query as ArguAna gives it: title and argument in one text. */
export const QUERY = `${QUERY_TITLE} ${QUERY_ARGUMENT}`;

export const GOLD =
  "Advertising bans do not address the real causes of obesity. Children see food advertised in shops, on packaging " +
  "and by their friends; the Quebec figures owe more to a generally lower rate of eating out than to the ban itself. " +
  "Parents, not regulators, decide what children eat, and education about diet does more than silencing advertisers.";

/** Copies of the gold, each a near duplicate the exact check misses. */
export const GOLD_COPIES = {
  /** Re-flowed from a PDF: words broken by hyphens at line ends. */
  reflowed: GOLD.replace("advertised", "adver-\ntised").replace("regulators", "regu- lators").replace("education", "edu-\ncation"),
  /** The same text under a header line. */
  header: `Counterpoint 2 (opposition)\n${GOLD}`,
  /** The first two thirds. */
  truncated: GOLD.slice(0, Math.floor((GOLD.length * 2) / 3)),
  /** Two words changed. */
  edited: GOLD.replace("real causes", "actual causes").replace("generally lower", "broadly lower"),
} as const;

/** A document that quotes a short query in a long text of its own: not a duplicate of it. */
export const SHORT_QUERY = "Should voting be compulsory?";
export const QUOTES_SHORT_QUERY =
  "Should voting be compulsory? Australia has fined non-voters since 1924, and turnout there stays above ninety " +
  "percent. Critics answer that a forced vote is not a free one, that uninformed ballots add noise rather than " +
  "legitimacy, and that the right to abstain is itself a form of political expression worth protecting.";

/** Unrelated arguments on nearby topics: kept. */
export const DISTINCT = [
  "School meals should be free for every pupil. Hungry children cannot learn, and means-tested meals carry a stigma " +
    "that keeps many eligible families from claiming them; universal provision removes it at a modest cost.",
  "A sugar tax changes what manufacturers sell. After the United Kingdom taxed sugary drinks, producers cut the sugar " +
    "in most of their products before the tax even came in, which no advertising rule had achieved.",
  "Physical education deserves more hours in the curriculum. Daily exercise improves concentration and mood, and the " +
    "habits formed at school last into adult life far longer than any lesson about nutrition.",
];
