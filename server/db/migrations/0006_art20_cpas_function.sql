PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_imputations` (
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
	CONSTRAINT "imputations_code" CHECK("__new_imputations"."code_fonctionnel" in ('80111', '84010', '84011')),
	CONSTRAINT "imputations_nature" CHECK("__new_imputations"."nature" is null or "__new_imputations"."nature" in ('subvention-pcs', 'part-communale', 'art20'))
);
--> statement-breakpoint
INSERT INTO `__new_imputations`("id", "plan_id", "position", "annee", "code_fonctionnel", "article_economique", "libelle", "montant_cents", "nature", "version") SELECT "id", "plan_id", "position", "annee", "code_fonctionnel", "article_economique", "libelle", "montant_cents", "nature", "version" FROM `imputations`;--> statement-breakpoint
DROP TABLE `imputations`;--> statement-breakpoint
ALTER TABLE `__new_imputations` RENAME TO `imputations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `imputations_plan` ON `imputations` (`plan_id`,`annee`,`position`);