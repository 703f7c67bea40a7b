CREATE TABLE `organisation_members` (
	`organisation_id` text NOT NULL,
	`position` integer NOT NULL,
	`commune` text NOT NULL,
	`isadf` integer,
	`population` integer,
	`pilote` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`organisation_id`, `position`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_members_commune` ON `organisation_members` (`organisation_id`,`commune`);--> statement-breakpoint
CREATE TABLE `programmes` (
	`id` text PRIMARY KEY NOT NULL,
	`statut` text NOT NULL,
	`definition` text NOT NULL,
	`catalogue` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	CONSTRAINT "programmes_statut" CHECK("programmes"."statut" in ('publie', 'brouillon'))
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`nom` text NOT NULL,
	`nature` text NOT NULL,
	`commune` text,
	`version` integer DEFAULT 1 NOT NULL,
	CONSTRAINT "organisations_nature" CHECK("__new_organisations"."nature" in ('commune', 'association', 'cpas'))
);
--> statement-breakpoint
INSERT INTO `__new_organisations`("id", "nom", "nature", "commune", "version") SELECT "id", "nom", "nature", CASE WHEN "nature" = 'commune' THEN "nom" END, 1 FROM `organisations`;--> statement-breakpoint
DROP TABLE `organisations`;--> statement-breakpoint
ALTER TABLE `__new_organisations` RENAME TO `organisations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_nom_unique` ON `organisations` (`nom`);--> statement-breakpoint
DROP INDEX `submissions_year`;--> statement-breakpoint
ALTER TABLE `submissions` ADD `kind` text DEFAULT 'rapport-annuel' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_year` ON `submissions` (`plan_id`,`kind`,`annee`,`numero`);--> statement-breakpoint
ALTER TABLE `plans` ADD `predecessor_id` text REFERENCES plans(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `plans` ADD `prepared_at` text;--> statement-breakpoint
-- The programme announced as 2026-2031 starts in 2027 after the one-year extension of 2020-2025: its plans follow it.
UPDATE `plans` SET `programme_id` = 'pcs-2027' WHERE `programme_id` = 'pcs-2026-2031';