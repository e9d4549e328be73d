<?php
// Read the newest page of a conversation, e.g. for a site's inbox page.
// Usage: php read_history.php <user> <peer> [limit]
declare(strict_types=1);
require __DIR__ . '/../thriftchat.php';

thriftchat_run(function () use ($argv): void {
    [$client, $transport] = thriftchat_connect();
    $page = $client->history((int)$argv[1], (int)$argv[2], 0, -1, (int)($argv[3] ?? 50));
    $transport->close();
    thriftchat_print([
        'messages' => array_map('thriftchat_message', $page->messages),
        'moreBefore' => $page->moreBefore,
    ]);
});
