import { programmeSpan, type Programme } from './reference.ts';
import { porteurHeader, type PorteurSection } from './porteur.ts';

/**
 * Fixed texts of the official forms (spec §1.1, §1.2), printed verbatim by the interface, the XLSX and the PDF.
 */

/**
 * "Plan de Cohésion sociale de la Commune (commune porteuse) de la Ville de Liège": the running header; an
 * association's and a CPAS's name them so (`porteurHeader`).
 */
export function runningHeader(plan: { commune: string; porteur: PorteurSection }): string {
  return porteurHeader(plan);
}

export const RGPD_TITLE = 'Règlement général pour la protection des données';

/** The RGPD notice of the fiche plan; the programme's years replace those of the printed form. */
export function rgpdParagraphs(programme: Programme): string[] {
  return [
    'Les informations personnelles portées sur ce formulaire sont enregistrées dans un fichier informatisé par la Direction de la Cohésion sociale.',
    `La Direction de la Cohésion sociale traite et n'utilise vos données que dans la mesure où cela est nécessaire pour assurer le suivi et l'évaluation du plan de cohésion sociale pour la programmation ${programmeSpan(programme)}. Dans ce cadre, certaines informations pourront être publiées sur la page internet du site de la Direction de la Cohésion sociale.`,
    'Vos informations sont conservées pendant une durée qui ne saurait excéder 10 ans, sauf si vous exercez votre droit de suppression des données vous concernant, dans les conditions décrites ci-après.',
    'Pendant cette période, la Direction de la Cohésion sociale met en place tous moyens aptes à assurer la confidentialité et la sécurité de vos données personnelles, de manière à empêcher leur endommagement, effacement ou accès par des tiers non autorisés.',
    "L'accès à vos données personnelles est strictement limité aux agents de la Direction de la Cohésion sociale.",
    "Conformément à la loi du 08 décembre 1992 relative à la protection de la vie privée à l'égard des traitements de données à caractère personnel et au Règlement européen n°2016/679/UE du 27 avril 2016, vous bénéficiez d'un droit d'accès, de rectification, de portabilité et d'effacement de vos données ou encore de limitation du traitement. Vous pouvez également, pour des motifs légitimes, vous opposer au traitement des données vous concernant.",
    "Vous pouvez, sous réserve de la production d'un justificatif d'identité valide, exercer ces droits en contactant la Direction de la Cohésion sociale – Avenue Gouverneur Bovesse, 100 à 5100 JAMBES.",
  ];
}
