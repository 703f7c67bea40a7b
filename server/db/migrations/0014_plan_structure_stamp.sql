ALTER TABLE `plans` ADD `structure_stamp` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `plans` SET `structure_stamp` = random();--> statement-breakpoint
CREATE TRIGGER `plans_structure_insert` AFTER INSERT ON `plans`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `actions_structure_insert` AFTER INSERT ON `actions`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` = NEW.`plan_id`;
END;--> statement-breakpoint
CREATE TRIGGER `actions_structure_update` AFTER UPDATE ON `actions`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` IN (OLD.`plan_id`, NEW.`plan_id`);
END;--> statement-breakpoint
CREATE TRIGGER `actions_structure_delete` AFTER DELETE ON `actions`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` = OLD.`plan_id`;
END;--> statement-breakpoint
CREATE TRIGGER `indicators_structure_insert` AFTER INSERT ON `indicators`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` IN (SELECT `plan_id` FROM `actions` WHERE `id` = NEW.`action_id`);
END;--> statement-breakpoint
CREATE TRIGGER `indicators_structure_update` AFTER UPDATE ON `indicators`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` IN (SELECT `plan_id` FROM `actions` WHERE `id` IN (OLD.`action_id`, NEW.`action_id`));
END;--> statement-breakpoint
CREATE TRIGGER `indicators_structure_delete` AFTER DELETE ON `indicators`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` IN (SELECT `plan_id` FROM `actions` WHERE `id` = OLD.`action_id`);
END;--> statement-breakpoint
CREATE TRIGGER `transfers_structure_insert` AFTER INSERT ON `transfers`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` = NEW.`plan_id`;
END;--> statement-breakpoint
CREATE TRIGGER `transfers_structure_update` AFTER UPDATE ON `transfers`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` IN (OLD.`plan_id`, NEW.`plan_id`);
END;--> statement-breakpoint
CREATE TRIGGER `transfers_structure_delete` AFTER DELETE ON `transfers`
BEGIN
  UPDATE `plans` SET `structure_stamp` = random() WHERE `id` = OLD.`plan_id`;
END;
