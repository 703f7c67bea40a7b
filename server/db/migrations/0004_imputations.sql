-- One name per concept: the E-compte lines are "imputations", as the official form calls them. The table is rebuilt
-- under its new name (with its constraints and index renamed) and the rows copied as they are.
CREATE TABLE `imputations` (
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
	CONSTRAINT "imputations_code" CHECK("imputations"."code_fonctionnel" in ('84010', '84011')),
	CONSTRAINT "imputations_nature" CHECK("imputations"."nature" is null or "imputations"."nature" in ('subvention-pcs', 'part-communale', 'art20'))
);
--> statement-breakpoint
INSERT INTO `imputations` (`id`, `plan_id`, `position`, `annee`, `code_fonctionnel`, `article_economique`, `libelle`, `montant_cents`, `nature`, `version`)
	SELECT `id`, `plan_id`, `position`, `annee`, `code_fonctionnel`, `article_economique`, `libelle`, `montant_cents`, `nature`, `version` FROM `booked_lines`;--> statement-breakpoint
DROP TABLE `booked_lines`;--> statement-breakpoint
CREATE INDEX `imputations_plan` ON `imputations` (`plan_id`,`annee`,`position`);
