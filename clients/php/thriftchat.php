<?php
// Connecting a PHP site to thriftchat's web tier, with the stock Thrift PHP
// library (Debian's php-thrift installs it under /usr/lib/php; set
// THRIFT_PHP_LIB to use another copy) and the classes `make gen` writes to
// clients/php/gen. The wire is the framed transport with the binary protocol.

declare(strict_types=1);

$thriftLib = getenv('THRIFT_PHP_LIB') ?: '/usr/lib/php';
$genDir = __DIR__ . '/gen';

spl_autoload_register(function (string $class) use ($thriftLib, $genDir): void {
    $map = ['Thrift\\' => $thriftLib . '/', 'ThriftChat\\' => $genDir . '/ThriftChat/'];
    foreach ($map as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

use Thrift\Protocol\TBinaryProtocol;
use Thrift\Transport\TFramedTransport;
use Thrift\Transport\TSocket;
use ThriftChat\Web\WebServiceClient;

/**
 * Opens a connection to the web tier's Thrift port. Reuse it for the whole
 * request; close it with $transport->close().
 *
 * @return array{0: WebServiceClient, 1: TFramedTransport}
 */
function thriftchat_connect(?string $addr = null, int $timeoutMs = 5000): array
{
    $addr = $addr ?? (getenv('THRIFTCHAT_WEB_THRIFT') ?: '127.0.0.1:9104');
    [$host, $port] = explode(':', $addr, 2);
    $socket = new TSocket($host, (int)$port);
    $socket->setSendTimeout($timeoutMs);
    $socket->setRecvTimeout($timeoutMs);
    $transport = new TFramedTransport($socket);
    $client = new WebServiceClient(new TBinaryProtocol($transport));
    $transport->open();
    return [$client, $transport];
}

/** Prints a value as one line of JSON (what the examples' tests read). */
function thriftchat_print($value): void
{
    echo json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
}

/**
 * Runs an example body, turning thriftchat's typed exceptions into a JSON
 * error line and a non-zero exit code a caller can branch on.
 */
function thriftchat_run(callable $body): void
{
    try {
        $body();
    } catch (\ThriftChat\Common\InvalidInput $e) {
        thriftchat_print(['error' => 'InvalidInput', 'message' => $e->message, 'field' => $e->field]);
        exit(2);
    } catch (\ThriftChat\Web\NotFriends $e) {
        thriftchat_print(['error' => 'NotFriends', 'message' => $e->message]);
        exit(3);
    } catch (\ThriftChat\Web\RateLimited $e) {
        thriftchat_print(['error' => 'RateLimited', 'message' => $e->message, 'retryAfterMs' => $e->retryAfterMs]);
        exit(4);
    } catch (\ThriftChat\Common\NotFound $e) {
        thriftchat_print(['error' => 'NotFound', 'message' => $e->message]);
        exit(5);
    } catch (\ThriftChat\Common\Unavailable $e) {
        thriftchat_print(['error' => 'Unavailable', 'message' => $e->message]);
        exit(6);
    } catch (\Thrift\Exception\TException $e) {
        thriftchat_print(['error' => get_class($e), 'message' => $e->getMessage()]);
        exit(1);
    }
}

/** A message as plain data. */
function thriftchat_message(\ThriftChat\Common\Message $m): array
{
    return ['id' => $m->id, 'conversation' => $m->conversation, 'seq' => $m->seq, 'sender' => $m->sender,
        'recipient' => $m->recipient, 'text' => $m->text, 'sentAtMs' => $m->sentAtMs, 'clientMsgId' => $m->clientMsgId];
}
