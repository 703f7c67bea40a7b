-- A DiCS extension of a due date (« Échéance ») is an entry of the plan's history: the event list of the CHECK grows, so the table is
-- rebuilt (foreign keys are off while migrations run, see server/db/open.ts) and its no-update trigger re-created.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_changes` (
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
	CONSTRAINT "audit_changes_event" CHECK("__new_audit_changes"."event" in ('modification', 'soumission', 'reouverture', 'retour', 'approbation', 'question', 'reponse', 'resolution', 'echeance')),
	CONSTRAINT "audit_changes_origin" CHECK("__new_audit_changes"."origin" in ('grille', 'import', 'api', 'systeme'))
);
--> statement-breakpoint
INSERT INTO `__new_audit_changes`("id", "plan_id", "at", "event", "user_id", "user_name", "user_role", "origin", "reason", "summary") SELECT "id", "plan_id", "at", "event", "user_id", "user_name", "user_role", "origin", "reason", "summary" FROM `audit_changes`;--> statement-breakpoint
DROP TABLE `audit_changes`;--> statement-breakpoint
ALTER TABLE `__new_audit_changes` RENAME TO `audit_changes`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_changes_plan` ON `audit_changes` (`plan_id`,`id`);--> statement-breakpoint
CREATE TRIGGER `audit_changes_no_update` BEFORE UPDATE ON `audit_changes` BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
