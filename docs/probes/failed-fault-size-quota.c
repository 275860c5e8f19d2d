/* Probe run on Linux 6.18.44-fc-v595 (x86_64, 2026-11-22) as root; the output is the source of
 * scenarios/golden/kernel-runs/k5-failed-fault-size-quota.json. Touches run in forked children so a
 * SIGBUS does not end the probe. Assumes a pool at 0/0 and sets it back. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#define HP (2UL<<20)
static void show(const char *what){char b[4096];int fd=open("/proc/meminfo",O_RDONLY);int n=read(fd,b,sizeof b-1);close(fd);b[n]=0;
 unsigned long long t=0,f=0,r=0,s=0;char*p;
 if((p=strstr(b,"HugePages_Total:")))sscanf(p+16,"%llu",&t);
 if((p=strstr(b,"HugePages_Free:")))sscanf(p+15,"%llu",&f);
 if((p=strstr(b,"HugePages_Rsvd:")))sscanf(p+15,"%llu",&r);
 if((p=strstr(b,"HugePages_Surp:")))sscanf(p+15,"%llu",&s);
 struct statfs sf; long long blk=-2,bf=-2; if(!statfs("/tmp/k5/mnt",&sf)&&sf.f_type==0x958458f6){blk=(long long)sf.f_blocks;bf=(long long)sf.f_bfree;}
 printf("%-34s T=%llu F=%llu R=%lld S=%llu  blocks=%lld bfree=%lld\n",what,t,f,(long long)r,s,blk,bf);}
static void wr(const char*path,const char*v){int fd=open(path,O_WRONLY);if(fd<0){perror(path);exit(1);}if(write(fd,v,strlen(v))<0)perror(path);close(fd);}
static const char* touch(char*a){pid_t c=fork(); if(!c){a[0]=1;_exit(0);} int st; waitpid(c,&st,0); return WIFSIGNALED(st)?(WTERMSIG(st)==7?"SIGBUS":"signal"):"ok";}
int main(){
 wr("/proc/sys/vm/nr_overcommit_hugepages","0"); wr("/proc/sys/vm/nr_hugepages","1"); show("setup nr=1 O=0");
 mkdir("/tmp/k5/mnt",0755);
 if(mount("none","/tmp/k5/mnt","hugetlbfs",0,"size=4M")){perror("mount");return 1;} show("mount size=2hp");
 int fd=open("/tmp/k5/mnt/f",O_CREAT|O_RDWR,0600);
 char*a=mmap(0,2*HP,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_NORESERVE,fd,0); printf("mmap shared noreserve 2: %s\n", a==MAP_FAILED?strerror(errno):"ok"); show("after mmap");
 char*o=mmap(0,HP,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB,-1,0); printf("other anon private 1: %s\n", o==MAP_FAILED?strerror(errno):"ok"); show("other reserves the only page");
 printf("write p0 (NEEDED, pool empty): %s\n", touch(a)); show("after failed fault");
 munmap(o,HP); show("other unmapped");
 printf("write p0 again: %s\n", touch(a)); show("after fault");
 munmap(a,2*HP); close(fd); unlink("/tmp/k5/mnt/f"); show("unlink f");
 umount("/tmp/k5/mnt"); show("umount");
 wr("/proc/sys/vm/nr_hugepages","0"); show("restored");
 return 0;}
