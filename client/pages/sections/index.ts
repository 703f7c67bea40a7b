import type { PageContext, Page } from '../context.ts';
import { renderPorteur } from './porteur.ts';
import { renderEquipe } from './equipe.ts';
import { renderBudget } from './budget.ts';
import { renderTransferts } from './transferts.ts';
import { renderConsommation } from './consommation.ts';
import { renderIsadf } from './isadf.ts';
import { renderIndicateursPlan } from './indicateurs.ts';
import { renderTextes } from './textes.ts';
import { renderActionsList } from './actions.ts';
import { renderTemps } from './temps.ts';
import { renderFormations } from './formations.ts';
import { renderReunions } from './reunions.ts';
import { renderCommunication } from './communication.ts';
import { renderPartenaires } from './partenaires.ts';

/** The sections of the fiche plan, in the order of the official form. */
export const SECTIONS: { id: string; title: string; render: (ctx: PageContext) => Page }[] = [
  { id: 'porteur', title: 'Porteur et identité', render: renderPorteur },
  { id: 'equipe', title: 'Chef de projet et équipe', render: renderEquipe },
  { id: 'budget', title: 'Budget', render: renderBudget },
  { id: 'transferts', title: 'Transferts par partenaire', render: renderTransferts },
  { id: 'consommation', title: 'Consommation (E-compte)', render: renderConsommation },
  { id: 'isadf', title: 'Radar ISADF', render: renderIsadf },
  { id: 'indicateurs', title: 'Indicateurs du plan', render: renderIndicateursPlan },
  { id: 'textes', title: 'Textes du plan', render: renderTextes },
  { id: 'actions', title: 'Liste des actions', render: renderActionsList },
  { id: 'temps', title: 'Répartition du temps du chef de projet', render: renderTemps },
  { id: 'formations', title: 'Formations et commissions', render: renderFormations },
  { id: 'reunions', title: 'Réunions et plateformes', render: renderReunions },
  { id: 'communication', title: 'Communication', render: renderCommunication },
  { id: 'partenaires', title: 'Partenaires', render: renderPartenaires },
];

const SECTION_OF_KEY: Record<string, string> = {
  porteur: 'porteur',
  identite: 'porteur',
  equipe: 'equipe',
  chefDeProjet: 'equipe',
  equipeMembres: 'equipe',
  serviceCitoyen: 'equipe',
  budget: 'budget',
  transferts: 'transferts',
  consommation: 'consommation',
  isadf: 'isadf',
  indicateursPlan: 'indicateurs',
  textes: 'textes',
  actions: 'actions',
  repartitionTemps: 'temps',
  formations: 'formations',
  commissions: 'formations',
  reunionsOrganisees: 'reunions',
  reunionsInvite: 'reunions',
  communication: 'communication',
  partenaires: 'partenaires',
};

/** The page showing a top-level key of the plan document (`budget` → Budget, `commissions` → Formations…). */
export function sectionOfPath(key: string): string {
  return SECTION_OF_KEY[key] ?? 'porteur';
}
