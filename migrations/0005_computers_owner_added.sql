DROP INDEX `computers_owner`;--> statement-breakpoint
CREATE INDEX `computers_owner_added` ON `computers` (`owner_id`,`created_at`,`id`);