CREATE TABLE `audit_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`at` text NOT NULL,
	`event` text NOT NULL,
	`user_id` text,
	`user_name` text NOT NULL,
	`user_role` text NOT NULL,
	`origin` text NOT NULL,
	`reason` text,
	`summary` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "audit_changes_event" CHECK("audit_changes"."event" in ('modification', 'soumission', 'reouverture', 'retour', 'approbation', 'question', 'reponse', 'resolution')),
	CONSTRAINT "audit_changes_origin" CHECK("audit_changes"."origin" in ('grille', 'import', 'api', 'systeme'))
);
--> statement-breakpoint
CREATE INDEX `audit_changes_plan` ON `audit_changes` (`plan_id`,`id`);--> statement-breakpoint
CREATE TABLE `audit_values` (
	`change_id` integer NOT NULL,
	`plan_id` text NOT NULL,
	`path` text NOT NULL,
	`label` text NOT NULL,
	`old_value` text,
	`new_value` text,
	FOREIGN KEY (`change_id`) REFERENCES `audit_changes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_values_path` ON `audit_values` (`plan_id`,`path`);--> statement-breakpoint
CREATE INDEX `audit_values_change` ON `audit_values` (`change_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`nom` text NOT NULL,
	`nature` text NOT NULL,
	CONSTRAINT "organisations_nature" CHECK("organisations"."nature" in ('commune', 'association'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_nom_unique` ON `organisations` (`nom`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`nom` text NOT NULL,
	`role` text NOT NULL,
	`organisation_id` text,
	`partenaire` text,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`password_changed_at` text,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_role" CHECK("users"."role" in ('chef-de-projet', 'finance', 'partenaire', 'dics', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
ALTER TABLE `plans` ADD `organisation_id` text REFERENCES organisations(id);--> statement-breakpoint
-- Plans of a database older than accounts: each commune name becomes an organisation that owns its plans.
INSERT INTO `organisations` (`id`, `nom`, `nature`) SELECT lower(hex(randomblob(16))), `commune`, 'commune' FROM `plans` GROUP BY `commune`;--> statement-breakpoint
UPDATE `plans` SET `organisation_id` = (SELECT `id` FROM `organisations` WHERE `organisations`.`nom` = `plans`.`commune`);--> statement-breakpoint
CREATE TRIGGER `audit_changes_no_update` BEFORE UPDATE ON `audit_changes` BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;--> statement-breakpoint
CREATE TRIGGER `audit_values_no_update` BEFORE UPDATE ON `audit_values` BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
