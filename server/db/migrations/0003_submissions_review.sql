CREATE TABLE `review_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`thread_id` text NOT NULL,
	`at` text NOT NULL,
	`auteur` text NOT NULL,
	`role` text NOT NULL,
	`nature` text NOT NULL,
	`texte` text NOT NULL,
	FOREIGN KEY (`thread_id`) REFERENCES `review_threads`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "review_messages_nature" CHECK("review_messages"."nature" in ('question', 'reponse', 'resolution'))
);
--> statement-breakpoint
CREATE INDEX `review_messages_thread` ON `review_messages` (`thread_id`,`id`);--> statement-breakpoint
CREATE TABLE `review_threads` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`annee` integer NOT NULL,
	`chemin` text NOT NULL,
	`libelle` text NOT NULL,
	`statut` text NOT NULL,
	`ouvert_le` text NOT NULL,
	`ouvert_par` text NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "review_threads_statut" CHECK("review_threads"."statut" in ('ouvert', 'repondu', 'resolu'))
);
--> statement-breakpoint
CREATE INDEX `review_threads_plan` ON `review_threads` (`plan_id`,`annee`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`annee` integer NOT NULL,
	`numero` integer NOT NULL,
	`statut` text NOT NULL,
	`soumis_le` text NOT NULL,
	`soumis_par` text NOT NULL,
	`snapshot` text NOT NULL,
	`changements` text NOT NULL,
	`fichiers` text NOT NULL,
	`xlsx` blob,
	`xlsx_sha256` text,
	`pdf` blob,
	`pdf_sha256` text,
	`decide_le` text,
	`decide_par` text,
	`motif` text,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "submissions_statut" CHECK("submissions"."statut" in ('soumis', 'retourne', 'approuve', 'rouvert')),
	CONSTRAINT "submissions_fichiers" CHECK("submissions"."fichiers" in ('en-cours', 'prets', 'echec'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_year` ON `submissions` (`plan_id`,`annee`,`numero`);--> statement-breakpoint
CREATE TRIGGER `submissions_snapshot_immutable` BEFORE UPDATE OF `plan_id`, `annee`, `numero`, `soumis_le`, `soumis_par`, `snapshot`, `changements` ON `submissions`
BEGIN
	SELECT RAISE(ABORT, 'a submitted report never changes');
END;--> statement-breakpoint
CREATE TRIGGER `submissions_files_written_once` BEFORE UPDATE OF `xlsx`, `xlsx_sha256`, `pdf`, `pdf_sha256` ON `submissions` WHEN OLD.`pdf_sha256` IS NOT NULL OR OLD.`xlsx_sha256` IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'the files of a submitted report never change');
END;
