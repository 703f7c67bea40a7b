CREATE TABLE `booked_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`position` integer NOT NULL,
	`annee` integer NOT NULL,
	`code_fonctionnel` text NOT NULL,
	`article_economique` text NOT NULL,
	`libelle` text,
	`montant_cents` integer NOT NULL,
	`nature` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "booked_lines_code" CHECK("booked_lines"."code_fonctionnel" in ('84010', '84011')),
	CONSTRAINT "booked_lines_nature" CHECK("booked_lines"."nature" is null or "booked_lines"."nature" in ('subvention-pcs', 'part-communale', 'art20'))
);
--> statement-breakpoint
CREATE INDEX `booked_lines_plan` ON `booked_lines` (`plan_id`,`annee`,`position`);--> statement-breakpoint
CREATE TABLE `budget_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`annee` integer NOT NULL,
	`nature` text NOT NULL,
	`libelle` text NOT NULL,
	`date_decision` text NOT NULL,
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
	`commentaire` text,
	`auteur` text NOT NULL,
	`enregistre_le` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "budget_versions_nature" CHECK("budget_versions"."nature" in ('previsionnel', 'actualisation'))
);
--> statement-breakpoint
CREATE INDEX `budget_versions_plan` ON `budget_versions` (`plan_id`,`annee`);--> statement-breakpoint
CREATE TABLE `justifications` (
	`plan_id` text NOT NULL,
	`cle` text NOT NULL,
	`texte` text NOT NULL,
	`auteur` text NOT NULL,
	`justifie_le` text NOT NULL,
	`constat` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`plan_id`, `cle`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_cells` (
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
	CONSTRAINT "cells_grid" CHECK("__new_cells"."grid" in ('indicator-target', 'indicator-actual', 'time', 'consumption', 'transfer'))
);
--> statement-breakpoint
INSERT INTO `__new_cells`("plan_id", "grid", "row_key", "period", "indicator_id", "value", "version") SELECT "plan_id", "grid", "row_key", "period", "indicator_id", "value", "version" FROM `cells`;--> statement-breakpoint
DROP TABLE `cells`;--> statement-breakpoint
ALTER TABLE `__new_cells` RENAME TO `cells`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `cells_indicator` ON `cells` (`indicator_id`);--> statement-breakpoint
CREATE TRIGGER `budget_versions_immutable` BEFORE UPDATE ON `budget_versions`
BEGIN
	SELECT RAISE(ABORT, 'budget versions are never updated: record a new actualisation');
END;
