PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`kind` text DEFAULT 'rapport-annuel' NOT NULL,
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
	CONSTRAINT "submissions_statut" CHECK("__new_submissions"."statut" in ('soumis', 'retourne', 'approuve', 'rouvert')),
	CONSTRAINT "submissions_fichiers" CHECK("__new_submissions"."fichiers" in ('en-cours', 'prets', 'echec', 'a-generer'))
);
--> statement-breakpoint
INSERT INTO `__new_submissions`("id", "plan_id", "kind", "annee", "numero", "statut", "soumis_le", "soumis_par", "snapshot", "changements", "fichiers", "xlsx", "xlsx_sha256", "pdf", "pdf_sha256", "decide_le", "decide_par", "motif") SELECT "id", "plan_id", "kind", "annee", "numero", "statut", "soumis_le", "soumis_par", "snapshot", "changements", "fichiers", "xlsx", "xlsx_sha256", "pdf", "pdf_sha256", "decide_le", "decide_par", "motif" FROM `submissions`;--> statement-breakpoint
DROP TABLE `submissions`;--> statement-breakpoint
ALTER TABLE `__new_submissions` RENAME TO `submissions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_year` ON `submissions` (`plan_id`,`kind`,`annee`,`numero`);--> statement-breakpoint
CREATE TRIGGER `submissions_snapshot_immutable` BEFORE UPDATE OF `plan_id`, `annee`, `numero`, `soumis_le`, `soumis_par`, `snapshot`, `changements` ON `submissions`
BEGIN
	SELECT RAISE(ABORT, 'a submitted report never changes');
END;--> statement-breakpoint
CREATE TRIGGER `submissions_files_written_once` BEFORE UPDATE OF `xlsx`, `xlsx_sha256`, `pdf`, `pdf_sha256` ON `submissions` WHEN OLD.`pdf_sha256` IS NOT NULL OR OLD.`xlsx_sha256` IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'the files of a submitted report never change');
END;
