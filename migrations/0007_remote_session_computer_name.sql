ALTER TABLE `remote_sessions` ADD `computer_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Sessions from before: the name their computer has now is the best left to know.
UPDATE `remote_sessions` SET `computer_name` = (SELECT `name` FROM `computers` WHERE `computers`.`id` = `remote_sessions`.`computer_id`);
