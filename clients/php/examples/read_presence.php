<?php
// Read who is online, e.g. to put green dots next to names on a site's page.
// Usage: php read_presence.php <user id>...
declare(strict_types=1);
require __DIR__ . '/../thriftchat.php';

use ThriftChat\Presence\State;

thriftchat_run(function () use ($argv): void {
    [$client, $transport] = thriftchat_connect();
    $users = array_map('intval', array_slice($argv, 1));
    $out = [];
    foreach ($client->presence($users) as $p) {
        $out[] = ['user' => $p->user, 'state' => strtolower(State::$__names[$p->state] ?? 'unknown'),
            'lastActiveMs' => $p->lastActiveMs];
    }
    $transport->close();
    thriftchat_print($out);
});
