import { mapNonEmpty } from './non-empty.ts';

/**
 * Closed lists of the official PCS forms (spec §3), declared once and reused by zod, drizzle and the UI.
 * Values are the official French labels verbatim (typos of the print corrected where the spec names the intended
 * word), so that exports show them as the form does and imports can match cell text. Where the form offers "Autre",
 * the value "Autre" is in the list and a free-text companion field carries the precision.
 */

export const PORTEUR_TYPES = ['Un seul pouvoir local', 'Une association de pouvoirs locaux'] as const;
export const PORTE_PAR = ['La commune', 'Le CPAS'] as const;
export const CIVILITES = ['M', 'Mme'] as const;
export const PROVINCES = ['Brabant wallon', 'Hainaut', 'Liège', 'Luxembourg', 'Namur'] as const;

export const TYPES_CONTRAT = ['Statutaire', 'Contractuel', 'Autre'] as const;
export const ENGAGEMENT_DETACHEMENT = ['Engagement', 'Détachement'] as const;
export const DIPLOMES = ['Master', 'Bachelier', 'Secondaire supérieur', 'Autre'] as const;

export const FONCTIONS_EQUIPE = ['Assistant(e) social(e)', 'Educateur/éducatrice', 'Agent administratif', 'Juriste', 'Infirmier(e)', 'Autre'] as const;

export const STATUTS_ACTION = ['En cours', 'Non entamée'] as const;

/** Axes (droits fondamentaux) are numbered by the first segment of the action code. */
export const DROITS_VISES = [
  { label: 'Le travail', axe: 1 },
  { label: 'La formation', axe: 1 },
  { label: "L'apprentissage", axe: 1 },
  { label: "L'insertion sociale", axe: 1 },
  { label: 'Le logement', axe: 2 },
  { label: "L'énergie", axe: 2 },
  { label: "L'eau", axe: 2 },
  { label: "L'environnement sain", axe: 2 },
  { label: 'Le cadre de vie adapté', axe: 2 },
  { label: 'La santé', axe: 3 },
  { label: "L'alimentation", axe: 4 },
  { label: "L'épanouissement culturel", axe: 5 },
  { label: "L'épanouissement social", axe: 5 },
  { label: "L'épanouissement familial", axe: 5 },
] as const;
export const DROIT_VISE_LABELS = mapNonEmpty(DROITS_VISES, (d) => d.label);

export const DEGRES_IMPLICATION = [
  "L'équipe PCS est impliquée à 100%",
  "L'équipe PCS met en œuvre une partie de l'action, l'autre partie de l'action étant confiée à un (des) partenaire(s)",
  "L'équipe PCS donne un coup de main au(x) partenaire(s) qui porte(nt) l'action",
  "Aucune implication de l'équipe PCS, un (des) partenaire(s) porte(nt) l'action à 100%",
] as const;

export const CADRES_EXISTANTS = ['Inscrite dans PCS 2', 'Inscrite dans PCS 2 et mise en œuvre sur le territoire hors PCS'] as const;

export const DEMARCHES_PARTICIPATION = ['Autre démarche'] as const;

export const TYPES_ACTION = ['Collective', 'Individuelle', 'Communautaire'] as const;

export const FREQUENCES = ['Tous les jours', "Pérenne sur l'année", "Quelques mois sur l'année", 'Lorsque le besoin est identifié', 'Autre'] as const;

/** Action-level communication modes (spec §3.6). */
export const MODES_COMMUNICATION_ACTION = [
  'Affichage',
  'Banderole / roll up / bâche',
  'Bouche-à-oreille',
  'Brochures / flyers',
  'Carte de visite',
  'Communication assurée par le partenaire',
  'Conférence de presse',
  'Courrier/invitation personnelle',
  'Logo PCS sur le matériel promotionnel',
  'Newsletter',
  "Présence lors d'événements",
  'Réseaux sociaux',
  'Signature de mail',
  'Téléphone',
  'Via la communication orale (équipe, partenaires,...)',
  'Autre',
] as const;

/** Plan-level external communication: the action list plus the plan-only web page. */
export const MODES_COMMUNICATION_EXTERNE = ['Page propre au PCS sur le site internet communal', ...MODES_COMMUNICATION_ACTION] as const;

export const MODES_COMMUNICATION_INTERNE = ['Mail', 'Réunions', 'Autre'] as const;

/** Publics cibles: each dimension ("En termes de:") allows its own values ("Précisez:"), spec §3.7. */
export const PUBLICS_CIBLES = {
  'Situation sociale': [
    'Personnes ne maîtrisant pas ou peu de français',
    "Personnes d'origine étrangère",
    'Primo arrivants',
    "Réfugiés, demandeurs d'asile",
    'Sans abri',
    'Isolés socialement',
    'Personnes mal logées (insalubrité, surpeuplement, ...)',
    'Autre',
  ],
  'Situation professionnelle': [
    "Demandeurs d'emploi",
    "Personnes en recherche d'emploi",
    'Bénéficiaires du RIS',
    'Bénéficiaires du CPAS',
    'Personnes au chômage',
    'Personnes en formation',
    'Personnes en formation par le travail',
    'Prostituées',
    'Autre',
  ],
  'Niveau de revenu': ['Aucun revenu', 'Sous le seuil de pauvreté', 'Revenu faible', 'Autre'],
  "Niveau d'étude le plus rencontré": ['Primaire', 'Secondaire inférieure', 'Autre'],
  "Tranche d'âge": ['Jeunes adultes de 18 à 25 ans', 'Adultes de 25 ans à 60 ans', 'Autre'],
  'Caractéristique physique ou état de santé': [
    'Personnes en assuétude, usagers de drogue, alcool,...',
    'Personnes dépendantes',
    'Personnes en sevrage',
    'Personnes atteintes de troubles mentaux',
    'Personnes LGBT',
    'Autre',
  ],
  'Situation familiale': ['Isolés', 'Autre'],
  "A l'échelle du quartier/village": ['Village', 'Isolé (excentré)', 'Quartier', 'Autre'],
  'Pas de public cible spécifique': [],
} as const satisfies Record<string, readonly string[]>;
export type PublicDimension = keyof typeof PUBLICS_CIBLES;
export const PUBLIC_DIMENSIONS = Object.keys(PUBLICS_CIBLES) as [PublicDimension, ...PublicDimension[]];

export const PLUS_VALUES_REUNIONS = [
  'Echanger des informations',
  'Nouer de nouveaux partenariats',
  'Impulser de nouvelles actions',
  'Faire de la veille informative',
  'Ramener des idées nouvelles',
  'Présenter le plan / des actions',
  "Acquérir de l'expertise",
] as const;

export const CHAMPS_ACTION_PARTENAIRE = [
  'Formation',
  'Emploi/travail',
  'Logement',
  'Santé/médical',
  'Assuétude',
  'Citoyenneté/démocratie',
  'Social',
  'Autre',
] as const;

/** The two lists of partner cards in the fiche plan (spec §1.21). */
export const LISTES_PARTENAIRES = ['portent', 'part-active'] as const;

/** Répartition de l'activité du chef de projet: the 19 fixed rows of the form (spec §1.16), labels verbatim. */
export const TIME_CATEGORIES = [
  { code: 'tableau-de-bord', label: 'à la mise à jour du tableau de bord' },
  { code: 'rapport-activite', label: "au rapport d'activité" },
  { code: 'evaluation', label: "à l'évaluation du PCS" },
  { code: 'commissions', label: "à la préparation, l'animation, le secrétariat des CA" },
  {
    code: 'reunions-thematiques',
    label: "à l'organisation ou la participation à des réunions thématiques/avec les partenaires/inter-PCS",
  },
  { code: 'reunions-equipe', label: "aux réunions d'équipe" },
  {
    code: 'gestion-rh',
    label: 'à la gestion RH (recrutement collaborateurs, encadrement stagiaires, bénévoles, service citoyen)',
  },
  { code: 'former-equipe', label: "à former les membres de l'équipe PCS" },
  { code: 'se-former', label: 'à se former et assurer une veille informative.' },
  { code: 'preparation-actions', label: 'à la préparation des actions, études de faisabilité,...' },
  { code: 'recherche-partenaires', label: 'à la recherche de partenaires' },
  { code: 'coordination', label: 'à la coordination des actions' },
  { code: 'terrain', label: "à la mise en œuvre d'actions sur le terrain" },
  { code: 'promotion', label: 'à la promotion, la visibilité du plan et des actions' },
  {
    code: 'soutien-partenaires',
    label:
      "au soutien humain, logistique (prêt de matériel, mise à disposition de locaux, véhicules,...) ou promotionnel (réécriture d'affiches,...) des partenaires",
  },
  { code: 'gestion-espaces', label: 'à la gestion des espaces (maison de village, citoyenne,...)' },
  { code: 'appels-projets', label: 'à la réponse à des appels à projets, la recherche de financement, ...' },
  { code: 'volet-financier', label: 'au volet financier du plan' },
  {
    code: 'hors-pcs',
    label: 'aux prestations sans lien avec le PCS sur le temps de travail de chef de projet',
  },
] as const;
export type TimeCategory = (typeof TIME_CATEGORIES)[number]['code'];
export const TIME_CATEGORY_CODES = mapNonEmpty(TIME_CATEGORIES, (c) => c.code);

/** Indicator categories: sub-table headings of the fiche action (spec §2.3). */
export const INDICATOR_CATEGORIES = [
  { code: 'realisation', label: 'Indicateurs de réalisation' },
  { code: 'activite', label: "Indicateurs d'activité" },
  {
    code: 'moyens',
    label: "Moyens logistiques et organisationnels nécessaires du point de vue de l'équipe",
  },
  {
    code: 'cout-indirect',
    label: 'Indicateurs du coût de la subvention indirecte (personnel et fonctionnement)',
  },
  { code: 'resultat', label: 'Indicateurs de résultat' },
] as const;
export type IndicatorCategory = (typeof INDICATOR_CATEGORIES)[number]['code'];
export const INDICATOR_CATEGORY_CODES = mapNonEmpty(INDICATOR_CATEGORIES, (c) => c.code);

/** The form's standard rows of "Indicateurs d'activité" (spec §2.3), known to the checks by a stable code. */
export const STANDARD_INDICATORS = [
  {
    code: 'professionnels',
    label: "Nombre de professionnels/bénévoles ayant une implication directe dans l'action",
    category: 'activite',
    unit: 'count',
  },
  {
    code: 'temps-consacre',
    label: 'Sur le total des actions, % de temps consacré à cette action (% annuel)',
    category: 'activite',
    unit: 'percent',
  },
  {
    code: 'part-budget',
    label: "Part du budget PCS affecté à l'action (hors frais de personnel de l'équipe PCS et art.20)",
    category: 'activite',
    unit: 'percent',
  },
  {
    code: 'montant-convention',
    label: "Montant du transfert financier dans le cadre d'une convention",
    category: 'activite',
    unit: 'money',
  },
  {
    code: 'etp-convention',
    label: "Nombre d'ETP mis à disposition dans le cadre d'une convention",
    category: 'moyens',
    unit: 'etp',
  },
  {
    code: 'cout-indirect',
    label: 'Estimation du coût de la subvention indirecte (personnel et fonctionnement)',
    category: 'cout-indirect',
    unit: 'money',
  },
] as const;
export type StandardIndicator = (typeof STANDARD_INDICATORS)[number]['code'];
export const STANDARD_INDICATOR_CODES = mapNonEmpty(STANDARD_INDICATORS, (s) => s.code);

/** How yes/no answers read on the form, in the grid and in the workbook. */
export const YES = 'Oui';
export const NO = 'Non';
export const YES_NO = [YES, NO] as const;

export const FINDING_LEVELS = ['error', 'warning', 'info'] as const;
