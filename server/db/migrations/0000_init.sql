CREATE TABLE `actions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`position` integer NOT NULL,
	`code` text NOT NULL,
	`statut` text,
	`droit_vise` text,
	`priorite` integer,
	`transfer_id` text,
	`fiche` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "actions_statut" CHECK("actions"."statut" is null or "actions"."statut" in ('En cours', 'Non entamée')),
	CONSTRAINT "actions_droit_vise" CHECK("actions"."droit_vise" is null or "actions"."droit_vise" in ('Le travail', 'La formation', 'L''apprentissage', 'L''insertion sociale', 'Le logement', 'L''énergie', 'L''eau', 'L''environnement sain', 'Le cadre de vie adapté', 'La santé', 'L''alimentation', 'L''épanouissement culturel', 'L''épanouissement social', 'L''épanouissement familial'))
);
--> statement-breakpoint
CREATE INDEX `actions_plan` ON `actions` (`plan_id`,`position`);--> statement-breakpoint
CREATE TABLE `budgets` (
	`plan_id` text PRIMARY KEY NOT NULL,
	`recettes_total` integer,
	`subvention_pcs` integer,
	`part_communale` integer,
	`subventions_art20` integer,
	`autres_recettes` integer,
	`depenses_total` integer,
	`personnel` integer,
	`fonctionnement` integer,
	`investissement` integer,
	`subventions_institutions` integer,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "budgets_non_negative" CHECK(coalesce("budgets"."recettes_total", 0) >= 0 and coalesce("budgets"."subvention_pcs", 0) >= 0 and coalesce("budgets"."part_communale", 0) >= 0
        and coalesce("budgets"."subventions_art20", 0) >= 0 and coalesce("budgets"."autres_recettes", 0) >= 0 and coalesce("budgets"."depenses_total", 0) >= 0
        and coalesce("budgets"."personnel", 0) >= 0 and coalesce("budgets"."fonctionnement", 0) >= 0 and coalesce("budgets"."investissement", 0) >= 0
        and coalesce("budgets"."subventions_institutions", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE `cells` (
	`plan_id` text NOT NULL,
	`grid` text NOT NULL,
	`row_key` text NOT NULL,
	`period` text NOT NULL,
	`indicator_id` text,
	`value` integer,
	`version` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`plan_id`, `grid`, `row_key`, `period`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicators`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cells_grid" CHECK("cells"."grid" in ('indicator-target', 'indicator-actual', 'time', 'consumption'))
);
--> statement-breakpoint
CREATE INDEX `cells_indicator` ON `cells` (`indicator_id`);--> statement-breakpoint
CREATE TABLE `indicators` (
	`id` text PRIMARY KEY NOT NULL,
	`action_id` text NOT NULL,
	`position` integer NOT NULL,
	`category` text NOT NULL,
	`label` text NOT NULL,
	`unit` text NOT NULL,
	`aggregation` text,
	`standard` text,
	`ex_ante` integer,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `actions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "indicators_category" CHECK("indicators"."category" in ('realisation', 'activite', 'moyens', 'cout-indirect', 'resultat')),
	CONSTRAINT "indicators_unit" CHECK("indicators"."unit" in ('count', 'money', 'percent', 'average', 'score', 'etp')),
	CONSTRAINT "indicators_aggregation" CHECK("indicators"."aggregation" is null or "indicators"."aggregation" in ('sum', 'mean', 'max', 'last')),
	CONSTRAINT "indicators_standard" CHECK("indicators"."standard" is null or "indicators"."standard" in ('professionnels', 'temps-consacre', 'part-budget', 'montant-convention', 'etp-convention', 'cout-indirect'))
);
--> statement-breakpoint
CREATE INDEX `indicators_action` ON `indicators` (`action_id`,`position`);--> statement-breakpoint
CREATE TABLE `plan_rows` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`collection` text NOT NULL,
	`position` integer NOT NULL,
	`data` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "plan_rows_collection" CHECK("plan_rows"."collection" in ('equipeMembres', 'formations', 'reunionsOrganisees', 'reunionsInvite', 'partenaires'))
);
--> statement-breakpoint
CREATE INDEX `plan_rows_plan` ON `plan_rows` (`plan_id`,`collection`,`position`);--> statement-breakpoint
CREATE TABLE `plan_sections` (
	`plan_id` text NOT NULL,
	`section` text NOT NULL,
	`data` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`plan_id`, `section`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "plan_sections_section" CHECK("plan_sections"."section" in ('porteur', 'identite', 'equipe', 'chefDeProjet', 'serviceCitoyen', 'budget', 'isadf', 'indicateursPlan', 'textes', 'commissions', 'communication'))
);
--> statement-breakpoint
CREATE TABLE `plans` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`commune` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`position` integer NOT NULL,
	`partenaire` text NOT NULL,
	`art20` integer,
	`montant_cents` integer,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "transfers_montant" CHECK("transfers"."montant_cents" >= 0)
);
--> statement-breakpoint
CREATE INDEX `transfers_plan` ON `transfers` (`plan_id`,`position`);