CREATE TABLE `form_thread_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`thread_id` text NOT NULL,
	`at` text NOT NULL,
	`auteur` text NOT NULL,
	`role` text NOT NULL,
	`nature` text NOT NULL,
	`texte` text NOT NULL,
	FOREIGN KEY (`thread_id`) REFERENCES `form_threads`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "form_thread_messages_nature" CHECK("form_thread_messages"."nature" in ('question', 'reponse', 'resolution'))
);
--> statement-breakpoint
CREATE INDEX `form_thread_messages_thread` ON `form_thread_messages` (`thread_id`,`id`);--> statement-breakpoint
CREATE TABLE `form_threads` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`document_id` text NOT NULL,
	`chemin` text NOT NULL,
	`libelle` text NOT NULL,
	`statut` text NOT NULL,
	`ouvert_le` text NOT NULL,
	`ouvert_par` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`document_id`) REFERENCES `form_documents`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "form_threads_statut" CHECK("form_threads"."statut" in ('ouvert', 'repondu', 'resolu'))
);
--> statement-breakpoint
CREATE INDEX `form_threads_document` ON `form_threads` (`document_id`,`ouvert_le`);--> statement-breakpoint
ALTER TABLE `form_documents` ADD `statut` text DEFAULT 'brouillon' NOT NULL;--> statement-breakpoint
ALTER TABLE `form_documents` ADD `soumis_le` text;--> statement-breakpoint
ALTER TABLE `form_documents` ADD `soumis_par` text;--> statement-breakpoint
ALTER TABLE `form_documents` ADD `decide_le` text;--> statement-breakpoint
ALTER TABLE `form_documents` ADD `decide_par` text;--> statement-breakpoint
ALTER TABLE `form_documents` ADD `motif` text;--> statement-breakpoint
CREATE INDEX `form_documents_statut` ON `form_documents` (`statut`);