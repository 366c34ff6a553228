ALTER TABLE `consultation_versions` ADD `signer_name` text;--> statement-breakpoint
ALTER TABLE `consultation_versions` ADD `signed_at` text;--> statement-breakpoint
ALTER TABLE `consultation_versions` ADD `signature_image` text;--> statement-breakpoint
ALTER TABLE `consultation_versions` ADD `content_hash` text;--> statement-breakpoint
ALTER TABLE `consultations` ADD `follow_up_of` text;--> statement-breakpoint
CREATE INDEX `idx_consultations_follow_up_of` ON `consultations` (`follow_up_of`);