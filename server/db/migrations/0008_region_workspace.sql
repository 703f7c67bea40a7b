CREATE TABLE `deadline_extensions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`kind` text NOT NULL,
	`annee` integer NOT NULL,
	`echeance` text NOT NULL,
	`motif` text,
	`accorde_le` text NOT NULL,
	`accorde_par` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deadline_extensions_obligation` ON `deadline_extensions` (`plan_id`,`kind`,`annee`);--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`destinataire` text NOT NULL,
	`sujet` text NOT NULL,
	`texte` text NOT NULL,
	`created_at` text NOT NULL,
	`statut` text NOT NULL,
	`envoye_le` text,
	`erreur` text
);
--> statement-breakpoint
CREATE INDEX `mail_outbox_created` ON `mail_outbox` (`created_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`plan_id` text,
	`nature` text NOT NULL,
	`titre` text NOT NULL,
	`texte` text NOT NULL,
	`lien` text,
	`created_at` text NOT NULL,
	`read_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `plan_summaries` (
	`plan_id` text PRIMARY KEY NOT NULL,
	`plan_version` integer NOT NULL,
	`computed_at` text NOT NULL,
	`data` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `reminders_sent` (
	`plan_id` text NOT NULL,
	`kind` text NOT NULL,
	`annee` integer NOT NULL,
	`etape` text NOT NULL,
	`echeance` text NOT NULL,
	`sent_at` text NOT NULL,
	PRIMARY KEY(`plan_id`, `kind`, `annee`, `etape`, `echeance`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `return_reasons` (
	`id` text PRIMARY KEY NOT NULL,
	`submission_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`cible_type` text NOT NULL,
	`cible` text,
	`cible_libelle` text NOT NULL,
	`motif_type` text NOT NULL,
	`texte` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `return_reasons_plan` ON `return_reasons` (`plan_id`);--> statement-breakpoint
CREATE INDEX `return_reasons_submission` ON `return_reasons` (`submission_id`);